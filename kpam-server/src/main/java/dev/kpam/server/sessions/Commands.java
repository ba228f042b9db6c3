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

  static List<SessionCommand> of(
      List<RecordedRequest> requests, Map<String, StreamOutcome> streams) {
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
    for (List<RecordedRequest> group : foldDiscovery(ordered)) {
      commands.add(command(commands.size(), group, streams));
    }
    return commands;
  }

  /** How long before a command a lone discovery request may be its own. */
  static final Duration DISCOVERY_AHEAD = Duration.ofSeconds(10);

  /**
   * kubectl's discovery without a {@code Kubectl-Session} (the default kubectl's dispatcher asks
   * {@code /version} before it runs the real kubectl; kubectl with {@code
   * KUBECTL_COMMAND_HEADERS=false}) is never a command of its own: it belongs to the command that
   * starts next, within {@link #DISCOVERY_AHEAD}. Alone at the end, it stays one; other clients'
   * requests (curl) stay their own.
   */
  private static List<List<RecordedRequest>> foldDiscovery(List<List<RecordedRequest>> ordered) {
    List<List<RecordedRequest>> folded = new ArrayList<>();
    List<RecordedRequest> ahead = new ArrayList<>();
    for (List<RecordedRequest> group : ordered) {
      if (group.size() == 1
          && group.get(0).kubectlSession() == null
          && group.get(0).isDiscovery()
          && group.get(0).fromKubectl()) {
        ahead.add(group.get(0));
        continue;
      }
      List<RecordedRequest> joined = new ArrayList<>();
      Instant start = group.get(0).startedAt();
      for (RecordedRequest discovery : ahead) {
        if (Duration.between(discovery.startedAt(), start).compareTo(DISCOVERY_AHEAD) <= 0) {
          joined.add(discovery);
        } else {
          folded.add(List.of(discovery));
        }
      }
      ahead.clear();
      joined.addAll(group);
      folded.add(joined);
    }
    ahead.forEach(discovery -> folded.add(List.of(discovery)));
    return folded;
  }

  private static SessionCommand command(
      int index, List<RecordedRequest> requests, Map<String, StreamOutcome> streams) {
    Instant started = requests.get(0).startedAt();
    Instant ended =
        requests.stream().map(RecordedRequest::time).max(Instant::compareTo).orElseThrow();
    boolean readsBack = readsObjectsBack(requests);
    List<RecordedRequest> retried = refusedWebSockets(requests);
    List<RecordedRequest> counted =
        requests.stream().filter(r -> !isProbe(r, readsBack) && !retried.contains(r)).toList();
    if (counted.isEmpty()) {
      counted = requests;
    }
    int status = 0;
    int rank = -1;
    int errors = 0;
    String refusal = null;
    Integer exitCode = null;
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
      StreamOutcome outcome = request.id() == null ? null : streams.get(request.id());
      if (outcome != null && outcome.exitCode() != null) {
        exitCode = outcome.exitCode();
      }
    }
    return new SessionCommand(
        index,
        requests.stream()
            .map(RecordedRequest::kubectlSession)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(null),
        CommandLine.of(requests, streams),
        started,
        ended,
        Duration.between(started, ended).toMillis(),
        status,
        requests.size(),
        errors,
        (int) requests.stream().filter(RecordedRequest::open).count(),
        requests.stream().map(RecordedRequest::id).filter(Objects::nonNull).toList(),
        refusal,
        exitCode,
        retried.isEmpty() ? null : RETRIED_OVER_SPDY,
        retried.stream().map(RecordedRequest::id).filter(Objects::nonNull).toList());
  }

  static final String RETRIED_OVER_SPDY =
      "the API server refused the WebSocket upgrade (403, as servers before 1.30 do);"
          + " kubectl retried over SPDY";

  /**
   * kubectl ≥ 1.30 asks for exec, attach and port-forward over WebSocket first ({@code GET} with an
   * upgrade); a server before 1.30 refuses it with 403 and kubectl retries the same stream over
   * SPDY ({@code POST}) in the same command (NOTES.md). The refused attempts are the API server's
   * 403s (not kpam's: those carry kpam's reason) to a {@code GET} of a stream that a later request
   * of the command opened again; they are kept as requests but never decide the command's result.
   */
  private static List<RecordedRequest> refusedWebSockets(List<RecordedRequest> requests) {
    List<RecordedRequest> refused = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      RecordedRequest attempt = requests.get(i);
      if (attempt.status() != 403
          || attempt.error() != null
          || !"GET".equals(attempt.method())
          || !attempt.opensStream()) {
        continue;
      }
      for (RecordedRequest retry : requests.subList(i + 1, requests.size())) {
        if ("POST".equals(retry.method())
            && Objects.equals(retry.subresource(), attempt.subresource())
            && Objects.equals(retry.name(), attempt.name())
            && Objects.equals(retry.namespace(), attempt.namespace())) {
          refused.add(attempt);
          break;
        }
      }
    }
    return refused;
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
