package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kpam.cli.access.AccessSession;
import dev.kpam.testing.kube.KubeVersion;
import dev.kpam.testing.kube.Kubectl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captures what real kubectl sends for the commands of the session log's table test ({@code
 * CapturedCommandsTest} in kpam-server): runs each through the whole path, then writes, per
 * invocation, its argv, exit code and the {@code request} and {@code stream} events the gateway
 * recorded, one JSON line each, to {@code kpam-server/src/test/resources/kubectl-captures/}. Off in
 * the build; to capture again:
 *
 * <pre>
 * mvn -pl kpam-it verify -Dtest=KubectlCaptures -Dkpam.capture.dir=$PWD/kpam-server/src/test/resources/kubectl-captures
 * </pre>
 */
@EnabledIfSystemProperty(named = "kpam.capture.dir", matches = ".+")
class KubectlCaptures {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** One kubectl invocation of the table. */
  record Invocation(String name, List<String> argv, String stdin, Map<String, String> env) {
    static Invocation of(String name, String... argv) {
      return new Invocation(name, List.of(argv), null, Map.of());
    }

    Invocation withStdin(String input) {
      return new Invocation(name, argv, input, env);
    }

    Invocation withEnv(String variable, String value) {
      Map<String, String> more = new LinkedHashMap<>(env);
      more.put(variable, value);
      return new Invocation(name, argv, stdin, more);
    }
  }

  static List<Invocation> invocations(Path work) {
    String manifest = work.resolve("app.yaml").toString();
    String local = work.resolve("local.txt").toString();
    return List.of(
        Invocation.of("get-pods", "get", "pods", "-n", "default"),
        Invocation.of("get-pod", "get", "pod", "web", "-n", "default"),
        Invocation.of("get-pod-yaml", "get", "pod", "web", "-o", "yaml", "-n", "default"),
        Invocation.of("get-pods-all", "get", "pods", "-A"),
        Invocation.of("get-namespaces", "get", "namespaces"),
        Invocation.of("get-missing", "get", "configmap", "nothing-here", "-n", "default"),
        Invocation.of("describe-pod", "describe", "pod", "web", "-n", "default"),
        Invocation.of(
            "create-configmap",
            "create",
            "configmap",
            "cap-a",
            "--from-literal=k=v",
            "-n",
            "default"),
        Invocation.of("create-configmap-2", "create", "configmap", "cap-b", "-n", "default"),
        Invocation.of(
            "create-secret",
            "create",
            "secret",
            "generic",
            "cap-s",
            "--from-literal=password=hunter2",
            "-n",
            "default"),
        Invocation.of("label", "label", "configmap", "cap-a", "tier=db", "-n", "default"),
        Invocation.of("annotate", "annotate", "configmap", "cap-a", "note=x", "-n", "default"),
        Invocation.of(
            "patch",
            "patch",
            "configmap",
            "cap-b",
            "-p",
            "{\"data\":{\"k\":\"v2\"}}",
            "-n",
            "default"),
        Invocation.of("edit", "edit", "configmap", "cap-a", "-n", "default")
            .withEnv("KUBE_EDITOR", "sed -i s/k:.v/k:.edited/"),
        Invocation.of("delete-two", "delete", "configmap", "cap-a", "cap-b", "-n", "default"),
        Invocation.of("delete-secret", "delete", "secret", "cap-s", "-n", "default"),
        Invocation.of("apply-many", "apply", "-f", manifest),
        Invocation.of("apply-again", "apply", "-f", manifest),
        Invocation.of("scale", "scale", "deployment", "cap-web", "--replicas=3", "-n", "default"),
        Invocation.of(
            "rollout-restart", "rollout", "restart", "deployment", "cap-web", "-n", "default"),
        Invocation.of(
            "set-image", "set", "image", "deployment/cap-web", "web=nginx:1.27", "-n", "default"),
        Invocation.of("delete-file", "delete", "-f", manifest),
        Invocation.of("run", "run", "cap-pod", "--image=busybox", "-n", "default"),
        Invocation.of("delete-pod", "delete", "pod", "cap-pod", "-n", "default"),
        Invocation.of("exec", "exec", "web", "--", "echo", "hello"),
        Invocation.of("exec-exit", "exec", "web", "--", "sh", "-c", "exit 7"),
        Invocation.of("exec-stdin", "exec", "-i", "web", "--", "cat").withStdin("typed\n"),
        Invocation.of("logs", "logs", "web", "-n", "default"),
        Invocation.of("cp-in", "cp", local, "default/web:/tmp/copied.txt"),
        Invocation.of(
            "cp-out", "cp", "default/web:/tmp/copied.txt", work.resolve("back.txt").toString()),
        Invocation.of("can-i", "auth", "can-i", "delete", "pods", "-n", "default"),
        Invocation.of("debug", "debug", "web", "--image=busybox", "-n", "default"),
        Invocation.of("create-namespace", "create", "namespace", "cap-ns"),
        Invocation.of("delete-namespace", "delete", "namespace", "cap-ns"),
        Invocation.of("api-resources", "api-resources"));
  }

  @Test
  void captureEveryInvocation() throws Exception {
    Path out = Path.of(System.getProperty("kpam.capture.dir"));
    Files.createDirectories(out);
    capture(Kubectl.V1_27, KubeVersion.V1_28, out.resolve("kubectl-1.27-server-1.28.jsonl"));
    capture(Kubectl.V1_33, KubeVersion.V1_28, out.resolve("kubectl-1.33-server-1.28.jsonl"));
    capture(Kubectl.V1_33, KubeVersion.V1_33, out.resolve("kubectl-1.33-server-1.33.jsonl"));
  }

  private void capture(String binary, KubeVersion server, Path file) throws Exception {
    Path world = Files.createTempDirectory(dir, "world");
    Files.writeString(world.resolve("local.txt"), "copied into the pod\n");
    Files.writeString(
        world.resolve("app.yaml"),
        String.join(
            "\n",
            "apiVersion: apps/v1",
            "kind: Deployment",
            "metadata: {name: cap-web, namespace: default}",
            "spec:",
            "  replicas: 1",
            "  selector: {matchLabels: {app: cap-web}}",
            "  template:",
            "    metadata: {labels: {app: cap-web}}",
            "    spec: {containers: [{name: web, image: 'nginx:1.25'}]}",
            "---",
            "apiVersion: v1",
            "kind: Service",
            "metadata: {name: cap-web, namespace: default}",
            "spec: {selector: {app: cap-web}, ports: [{port: 80}]}",
            "---",
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata: {name: cap-web-config, namespace: default}",
            "data: {colour: blue}",
            ""));
    try (KpamWorld kpam = KpamWorld.start(world)) {
      kpam.kube.behaveAs(server);
      Path kubeconfig = world.resolve("kubeconfig");
      AccessSession access = kpam.access("1h", kubeconfig);
      List<Invocation> invocations = invocations(world);
      List<Integer> exits = new ArrayList<>();
      try {
        for (Invocation invocation : invocations) {
          Kubectl kubectl = kpam.kubectl(binary, kubeconfig);
          invocation.env().forEach(kubectl::env);
          Kubectl.Result result =
              kubectl.run(
                  invocation.stdin() == null
                      ? null
                      : invocation.stdin().getBytes(StandardCharsets.UTF_8),
                  invocation.argv().toArray(String[]::new));
          exits.add(result.exitCode());
        }
        List<JsonNode> events = awaitSettled(kpam, access.sessionId(), invocations.size());
        write(file, binary, server, invocations, exits, events);
      } finally {
        access.close();
      }
    }
  }

  /** The session's request and stream events once every invocation's requests have ended. */
  private static List<JsonNode> awaitSettled(KpamWorld kpam, String sessionId, int invocations) {
    List<JsonNode> events = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              JsonNode commands =
                  kpam.call(
                      "GET", "/api/v1/sessions/" + sessionId + "/commands", kpam.adminToken, null);
              boolean settled = true;
              for (JsonNode command : commands.get("items")) {
                settled &= command.get("running").asInt() == 0;
              }
              events.clear();
              long after = 0;
              while (true) {
                JsonNode page =
                    kpam.call(
                        "GET",
                        "/api/v1/sessions/" + sessionId + "/events?limit=1000&after=" + after,
                        kpam.adminToken,
                        null);
                JsonNode items = page.get("items");
                items.forEach(events::add);
                if (items.size() < 1000) {
                  break;
                }
                after = items.get(items.size() - 1).get("seq").asLong();
              }
              return settled && commands.get("items").size() >= invocations;
            });
    return events;
  }

  /**
   * One line per invocation: each has its own {@code Kubectl-Session}, in the order it ran; a
   * {@code stream} event goes with the invocation of its request.
   */
  private static void write(
      Path file,
      String binary,
      KubeVersion server,
      List<Invocation> invocations,
      List<Integer> exits,
      List<JsonNode> events)
      throws Exception {
    List<String> sessions = new ArrayList<>();
    Map<String, String> sessionOfRequest = new LinkedHashMap<>();
    for (JsonNode event : events) {
      JsonNode data = event.get("data");
      if (event.get("type").asText().equals("request")) {
        String session = data.path("kubectlSession").asText(null);
        if (session != null && !sessions.contains(session)) {
          sessions.add(session);
        }
        sessionOfRequest.put(data.path("id").asText(), session);
      }
    }
    assertThat(sessions).as("one Kubectl-Session per invocation").hasSize(invocations.size());
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < invocations.size(); i++) {
      Invocation invocation = invocations.get(i);
      ObjectNode line = JSON.createObjectNode();
      line.put("name", invocation.name());
      line.put("kubectl", Path.of(binary).getFileName().toString());
      line.put("server", server.gitVersion());
      ArrayNode argv = line.putArray("argv");
      invocation.argv().forEach(argv::add);
      line.put("exit", exits.get(i));
      ArrayNode kept = line.putArray("events");
      String session = sessions.get(i);
      for (JsonNode event : events) {
        String type = event.get("type").asText();
        JsonNode data = event.get("data");
        boolean mine =
            type.equals("request")
                ? session.equals(data.path("kubectlSession").asText(null))
                : type.equals("stream")
                    && session.equals(sessionOfRequest.get(data.path("requestId").asText()));
        if (mine) {
          ObjectNode copy = kept.addObject();
          copy.put("seq", event.get("seq").asLong());
          copy.put("time", event.get("time").asText());
          copy.put("type", type);
          copy.set("data", data);
        }
      }
      lines.append(JSON.writeValueAsString(line)).append('\n');
    }
    Files.writeString(file, lines.toString());
  }
}
