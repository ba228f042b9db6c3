package dev.kpam.protocol.sessions;

import java.time.Instant;
import java.util.List;

/**
 * One kubectl command of a session (docs/RECORDING.md §5–§6): the requests that share a {@code
 * Kubectl-Session} header, or a single request without one. {@code line} reads like what was typed
 * ({@code kubectl get pods -n web}); {@code status} is the highest status among the requests, 101
 * counted as success; {@code errors} counts requests answered with 400 or more; {@code running}
 * counts requests still in progress (a watch, {@code logs -f}, exec or port-forward that has begun
 * and not ended: its {@code request_open} event has no {@code request} event yet). {@code refusal}
 * is kpam's own reason when kpam refused one of its requests with 403 (the account's policy, or the
 * session's state), e.g. "kpam: policy of prod/ro forbids delete on pods in default". {@code
 * exitCode} is the exit code of the command an exec ran, as the API server reported it ({@code
 * null} for everything else); {@code note} says what else the log should know, e.g. that a refused
 * WebSocket upgrade was retried over SPDY (the refusal then does not count for {@code status});
 * {@code retriedRequestIds} are those refused attempts, still among {@code requestIds}.
 *
 * <pre>{@code
 * for (SessionCommand c : commands) System.out.println(c.startedAt() + " " + c.status() + " " + c.line());
 * }</pre>
 */
public record SessionCommand(
    int index,
    String kubectlSession,
    String line,
    Instant startedAt,
    Instant endedAt,
    long durationMs,
    int status,
    int requests,
    int errors,
    int running,
    List<String> requestIds,
    String refusal,
    Integer exitCode,
    String note,
    List<String> retriedRequestIds) {
  public SessionCommand {
    requestIds = List.copyOf(requestIds);
    retriedRequestIds = retriedRequestIds == null ? List.of() : List.copyOf(retriedRequestIds);
  }
}
