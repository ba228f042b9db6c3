package dev.kpam.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.protocol.sessions.SessionCommand;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The session log's line of real kubectl invocations, from the events the gateway recorded for them
 * (captured through the whole path by kpam-it's {@code KubectlCaptures}, kept in {@code
 * kubectl-captures/}): kubectl 1.27 and 1.33 against an API server before 1.30 (WebSocket refused,
 * kubectl 1.33 retries over SPDY), and 1.33 against a current one. Every capture must read as a
 * person would have typed it, the same line whatever the kubectl and the server.
 */
class CapturedCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CAPTURES =
      List.of(
          "kubectl-1.27-server-1.28.jsonl",
          "kubectl-1.33-server-1.28.jsonl",
          "kubectl-1.33-server-1.33.jsonl");

  /** The line, status and exit code each invocation must give, by its name in the captures. */
  private static final Map<String, Expected> EXPECTED = expected();

  record Expected(String line, int status, Integer exitCode) {}

  private static Map<String, Expected> expected() {
    Map<String, Expected> table = new HashMap<>();
    table.put("get-pods", new Expected("kubectl get pods -n default", 200, null));
    table.put("get-pod", new Expected("kubectl get pod web -n default", 200, null));
    table.put("get-pod-yaml", new Expected("kubectl get pod web -n default", 200, null));
    table.put("get-pods-all", new Expected("kubectl get pods -A", 200, null));
    table.put("get-namespaces", new Expected("kubectl get namespaces", 200, null));
    table.put(
        "get-missing", new Expected("kubectl get configmap nothing-here -n default", 404, null));
    table.put("describe-pod", new Expected("kubectl describe pod web -n default", 200, null));
    table.put(
        "create-configmap", new Expected("kubectl create configmap cap-a -n default", 201, null));
    table.put(
        "create-configmap-2", new Expected("kubectl create configmap cap-b -n default", 201, null));
    table.put(
        "create-secret", new Expected("kubectl create secret generic cap-s -n default", 201, null));
    table.put("label", new Expected("kubectl label configmap cap-a tier=db -n default", 200, null));
    table.put(
        "annotate", new Expected("kubectl annotate configmap cap-a note=x -n default", 200, null));
    table.put("patch", new Expected("kubectl patch configmap cap-b -n default", 200, null));
    table.put("edit", new Expected("kubectl edit configmap cap-a -n default", 200, null));
    table.put(
        "delete-two", new Expected("kubectl delete configmap cap-a cap-b -n default", 200, null));
    table.put("delete-secret", new Expected("kubectl delete secret cap-s -n default", 200, null));
    table.put(
        "apply-many",
        new Expected(
            "kubectl apply deployment/cap-web service/cap-web configmap/cap-web-config -n default",
            201,
            null));
    table.put(
        "apply-again", new Expected("kubectl apply deployment cap-web -n default", 200, null));
    table.put(
        "scale",
        new Expected("kubectl scale deployment cap-web --replicas=3 -n default", 200, null));
    table.put(
        "rollout-restart",
        new Expected("kubectl rollout restart deployment cap-web -n default", 200, null));
    table.put(
        "set-image",
        new Expected("kubectl set image deployment cap-web web=nginx:1.27 -n default", 200, null));
    table.put(
        "delete-file",
        new Expected(
            "kubectl delete deployment/cap-web service/cap-web configmap/cap-web-config -n default",
            200,
            null));
    table.put("run", new Expected("kubectl run cap-pod -n default", 201, null));
    table.put("delete-pod", new Expected("kubectl delete pod cap-pod -n default", 200, null));
    table.put("exec", new Expected("kubectl exec web -c main -- echo hello", 101, 0));
    table.put("exec-exit", new Expected("kubectl exec web -c main -- sh -c 'exit 7'", 101, 7));
    table.put("exec-stdin", new Expected("kubectl exec -i web -c main -- cat", 101, 0));
    table.put("logs", new Expected("kubectl logs web", 200, null));
    table.put("cp-in", new Expected("kubectl cp (local) web:/tmp/copied.txt -c main", 101, 0));
    table.put("cp-out", new Expected("kubectl cp web:/tmp/copied.txt (local) -c main", 101, 0));
    table.put("can-i", new Expected("kubectl auth can-i delete pods -n default", 201, null));
    table.put("debug", new Expected("kubectl debug web -n default", 200, null));
    table.put("create-namespace", new Expected("kubectl create namespace cap-ns", 201, null));
    table.put("delete-namespace", new Expected("kubectl delete namespace cap-ns", 200, null));
    table.put("api-resources", new Expected("kubectl api-resources", 200, null));
    return table;
  }

  static Stream<Arguments> captures() throws IOException {
    List<Arguments> all = new ArrayList<>();
    for (String capture : CAPTURES) {
      try (InputStream in =
          CapturedCommandsTest.class.getResourceAsStream("/kubectl-captures/" + capture)) {
        assertThat(in).as(capture).isNotNull();
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          if (!line.isBlank()) {
            JsonNode invocation = JSON.readTree(line);
            all.add(
                Arguments.of(
                    invocation.get("kubectl").asText()
                        + " against "
                        + invocation.get("server").asText()
                        + ": "
                        + invocation.get("name").asText(),
                    invocation));
          }
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void eachCapturedInvocationReadsAsTyped(String title, JsonNode invocation) {
    Expected expected = EXPECTED.get(invocation.get("name").asText());
    assertThat(expected).as("an expected line for " + title).isNotNull();
    List<RecordedRequest> requests = new ArrayList<>();
    Map<String, StreamOutcome> streams = new HashMap<>();
    for (JsonNode event : invocation.get("events")) {
      JsonNode data = event.get("data");
      switch (event.get("type").asText()) {
        case "request" ->
            requests.add(
                RecordedRequest.of(
                    event.get("seq").asLong(),
                    Instant.parse(event.get("time").asText()),
                    data,
                    false));
        case "stream" -> streams.put(data.get("requestId").asText(), StreamOutcome.of(data));
        default -> {}
      }
    }

    List<SessionCommand> commands = Commands.of(requests, streams);

    assertThat(commands).as(title).hasSize(1);
    SessionCommand command = commands.get(0);
    assertThat(command.line()).as(title).isEqualTo(expected.line());
    assertThat(command.status()).as(title + ": status").isEqualTo(expected.status());
    assertThat(command.exitCode()).as(title + ": exit code").isEqualTo(expected.exitCode());
    assertThat(invocation.get("exit").asInt())
        .as(title + ": kubectl's own exit")
        .isEqualTo(
            expected.exitCode() != null ? expected.exitCode() : expected.status() >= 400 ? 1 : 0);
  }
}
