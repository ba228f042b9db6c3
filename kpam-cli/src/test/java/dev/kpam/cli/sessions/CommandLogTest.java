package dev.kpam.cli.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.protocol.sessions.SessionCommand;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLogTest {
  private static final Instant T0 = Instant.parse("2026-12-02T13:00:01Z");

  @Test
  void aCommandKpamRefusedShowsKpamsReasonAfterItsLine() {
    SessionCommand refused =
        new SessionCommand(
            3,
            "ks-1",
            "kubectl delete pod web -n default",
            T0,
            T0.plusMillis(40),
            40,
            403,
            2,
            1,
            0,
            List.of("r-1", "r-2"),
            "kpam: policy of prod/ro forbids delete on pods in default",
            null,
            null,
            List.of());

    assertThat(new CommandLog(ZoneOffset.UTC).line(refused))
        .isEqualTo(
            "2026-12-02 13:00:01  403  40ms     kubectl delete pod web -n default"
                + "   [kpam: policy of prod/ro forbids delete on pods in default]");
  }

  @Test
  void anExecShowsItsExitCodeAndARetryOverSpdyItsNote() {
    SessionCommand exec =
        new SessionCommand(
            4,
            "ks-2",
            "kubectl exec web -- sh -c 'exit 7'",
            T0,
            T0.plusMillis(1200),
            1200,
            101,
            3,
            0,
            0,
            List.of("r-3", "r-4", "r-5"),
            null,
            7,
            "kubectl retried over SPDY",
            List.of("r-3"));

    assertThat(new CommandLog(ZoneOffset.UTC).line(exec))
        .isEqualTo(
            "2026-12-02 13:00:01  101  1.2s     kubectl exec web -- sh -c 'exit 7'   exit 7"
                + "   (kubectl retried over SPDY)");
  }
}
