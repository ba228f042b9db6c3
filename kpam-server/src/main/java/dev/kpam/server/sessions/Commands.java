package dev.kpam.server.sessions;

import dev.kpam.protocol.sessions.SessionCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A session's requests grouped into kubectl commands (docs/RECORDING.md §5): requests with the same
 * {@code Kubectl-Session} form one command, a request without one is a command of its own; commands
 * are in the order their first request started.
 */
final class Commands {
  private static final Comparator<RecordedRequest> BY_START =
      Comparator.comparing(RecordedRequest::startedAt).thenComparingLong(RecordedRequest::seq);

  private Commands() {}

  static List<SessionCommand> of(List<RecordedRequest> requests, Map<String, List<String>> ports) {
    Map<String, List<RecordedRequest>> groups = new LinkedHashMap<>();
    for (RecordedRequest request : requests) {
      String key =
          request.kubectlSession() == null
              ? "request " + request.seq()
              : "kubectl " + request.kubectlSession();
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(request);
    }
    List<List<RecordedRequest>> ordered = new ArrayList<>();
    for (List<RecordedRequest> group : groups.values()) {
      group.sort(BY_START);
      ordered.add(group);
    }
    ordered.sort(Comparator.comparing(group -> group.get(0), BY_START));
    List<SessionCommand> commands = new ArrayList<>(ordered.size());
    for (List<RecordedRequest> group : ordered) {
      commands.add(command(commands.size(), group, ports));
    }
    return commands;
  }

  private static SessionCommand command(
      int index, List<RecordedRequest> requests, Map<String, List<String>> ports) {
    Instant started = requests.get(0).startedAt();
    Instant ended =
        requests.stream().map(RecordedRequest::time).max(Instant::compareTo).orElseThrow();
    boolean readsBack = readsObjectsBack(requests);
    List<RecordedRequest> counted = requests.stream().filter(r -> !isProbe(r, readsBack)).toList();
    if (counted.isEmpty()) {
      counted = requests;
    }
    int status = 0;
    int rank = -1;
    int errors = 0;
    String refusal = null;
    for (RecordedRequest request : counted) {
      if (request.open()) {
        continue;
      }
      // 101 Switching Protocols is how exec, attach and port-forward succeed; on a tie the later
      // request, the one the command is about (kubectl reads the pod before it execs), wins.
      int r = request.status() == 101 ? 200 : request.status();
      if (r >= rank) {
        rank = r;
        status = request.status();
      }
      if (request.status() >= 400) {
        errors++;
      }
      if (refusal == null && request.status() == 403 && request.error() != null) {
        refusal = request.error();
      }
    }
    return new SessionCommand(
        index,
        requests.get(0).kubectlSession(),
        CommandLine.of(requests, ports),
        started,
        ended,
        Duration.between(started, ended).toMillis(),
        status,
        requests.size(),
        errors,
        (int) requests.stream().filter(RecordedRequest::open).count(),
        requests.stream().map(RecordedRequest::id).filter(Objects::nonNull).toList(),
        refusal);
  }

  /** apply GETs each object before it writes it; delete GETs each until it is gone (--wait). */
  private static boolean readsObjectsBack(List<RecordedRequest> requests) {
    return requests.stream()
        .map(RecordedRequest::kubectlCommand)
        .filter(Objects::nonNull)
        .map(String::trim)
        .anyMatch(c -> c.startsWith("kubectl apply") || c.startsWith("kubectl delete"));
  }

  /**
   * A 404 that kubectl expects, not a failure of the command: a discovery document the server does
   * not have ({@code /openapi/v3} before 1.27: kubectl falls back to v2); client-side apply's GET
   * of an object, which is how it learns it must create it; delete's GET after the DELETE, which is
   * how it learns the object is gone.
   */
  private static boolean isProbe(RecordedRequest request, boolean readsBack) {
    if (request.status() != 404 || !"GET".equals(request.method())) {
      return false;
    }
    return !request.namesResource() || (readsBack && request.name() != null);
  }
}
