package dev.kpam.cli.sessions;

import dev.kpam.protocol.sessions.SessionCommand;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One line per kubectl command for {@code kpam sessions logs}: local start time, status, duration
 * and the command, in fixed-width columns so that lines printed later while following line up.
 *
 * <pre>{@code
 * 2026-11-28 13:00:01  200  1.2s     kubectl get pods -n web
 * 2026-11-28 13:00:09  101  2m05s    kubectl exec api-7d9 -- sh
 * 2026-11-28 13:01:30  403  40ms     kubectl delete pod api-7d9   [kpam: policy of prod/ro forbids delete on pods in web]
 * 2026-11-28 13:01:42  101  1.2s     kubectl exec api-7d9 -- sh -c 'exit 7'   exit 7
 * }</pre>
 */
final class CommandLog {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final ZoneId zone;

  CommandLog(ZoneId zone) {
    this.zone = zone;
  }

  String line(SessionCommand command) {
    String status = command.status() == 0 ? "-" : Integer.toString(command.status());
    return String.format(
            "%s  %-3s  %-7s  %s",
            TIME.format(command.startedAt().atZone(zone)),
            status,
            duration(command.durationMs()),
            command.line())
        + (command.exitCode() == null ? "" : "   exit " + command.exitCode())
        + (command.refusal() == null ? "" : "   [" + command.refusal() + "]")
        + (command.note() == null ? "" : "   (" + command.note() + ")");
  }

  /** {@code 120ms}, {@code 3.2s}, {@code 1m05s}, {@code 1h02m}. */
  static String duration(long millis) {
    if (millis < 1000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      return String.format("%d.%ds", millis / 1000, millis % 1000 / 100);
    }
    Duration d = Duration.ofMillis(millis);
    if (d.toHours() == 0) {
      return String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
    return String.format("%dh%02dm", d.toHours(), d.toMinutesPart());
  }
}
