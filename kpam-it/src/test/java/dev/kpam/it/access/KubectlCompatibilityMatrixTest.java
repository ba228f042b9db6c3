package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.testing.kube.KubeVersion;
import dev.kpam.testing.kube.Kubectl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kubectl on the machine × the nine verbs × an API server before 1.30 (WebSocket refused,
 * kubectl retries over SPDY) and a current one, through the whole path; each verb must work and its
 * session-log line must say what was typed. One world and one session for all; prints the matrix at
 * the end.
 */
class KubectlCompatibilityMatrixTest extends OpenAccess {
  private static final String GCLOUD = "/usr/lib/google-cloud-sdk/bin/kubectl";
  private static final List<String> VERBS =
      List.of("get", "apply", "delete", "watch", "logs -f", "exec", "attach", "cp", "port-forward");
  private static final Map<String, String> RESULTS = new ConcurrentHashMap<>();

  static Stream<Arguments> matrix() {
    List<String> binaries = new ArrayList<>();
    for (int minor = 27; minor <= 33; minor++) {
      binaries.add("/usr/lib/google-cloud-sdk/bin/kubectl.1." + minor);
    }
    binaries.add(GCLOUD);
    binaries.add(Kubectl.DISPATCHER);
    List<Arguments> all = new ArrayList<>();
    String only = System.getProperty("kpam.matrix.only");
    for (String binary : binaries) {
      if (!Files.isExecutable(Path.of(binary)) || (only != null && !binary.endsWith(only))) {
        continue;
      }
      for (KubeVersion server : List.of(KubeVersion.V1_28, KubeVersion.V1_33)) {
        for (String verb : VERBS) {
          all.add(Arguments.of(binary, server, verb));
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} against {1}: {2}")
  @MethodSource("matrix")
  void everyVerbWorksAndReadsAsTyped(String binary, KubeVersion server, String verb)
      throws Exception {
    RESULTS.put(key(binary, server, verb), "✗");
    world.kube.behaveAs(server);
    String tag =
        (Path.of(binary).getFileName() + "-" + server.name() + "-" + verb)
            .toLowerCase()
            .replaceAll("[^a-z0-9]+", "-");
    String name = "m-" + tag;
    Kubectl kubectl = world.kubectl(binary, kubeconfig);
    int before = world.commands(access.sessionId()).size();
    String expected =
        switch (verb) {
          case "get" -> {
            succeed(kubectl.run("get", "pod", "web", "-n", "default"));
            yield "kubectl get pod web -n default";
          }
          case "apply" -> {
            Path manifest = dir.resolve(name + ".yaml");
            Files.writeString(
                manifest,
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
                    + name
                    + "\n  namespace: default\ndata:\n  k: v\n");
            succeed(kubectl.run("apply", "-f", manifest.toString()));
            yield "kubectl apply configmap " + name + " -n default";
          }
          case "delete" -> {
            world.kube.addConfigMap("default", name, Map.of());
            succeed(kubectl.run("delete", "configmap", name, "-n", "default"));
            yield "kubectl delete configmap " + name + " -n default";
          }
          case "watch" -> {
            Process watch = kubectl.start("get", "pods", "-w", "-n", "default");
            awaitOutput(watch, "web");
            yield "kubectl get pods -n default";
          }
          case "logs -f" -> {
            world.kube.appendLog("default", "web", "line for " + tag);
            Process follow = kubectl.start("logs", "-f", "web", "-n", "default");
            awaitOutput(follow, "line for " + tag);
            yield "kubectl logs web -f";
          }
          case "exec" -> {
            Kubectl.Result exec = kubectl.run("exec", "web", "--", "echo", tag);
            succeed(exec);
            assertThat(exec.stdout()).isEqualTo(tag + "\n");
            yield "kubectl exec web -c main -- echo " + tag;
          }
          case "attach" -> {
            Kubectl.Result attach =
                kubectl.run("attached\n".getBytes(StandardCharsets.UTF_8), "attach", "-i", "web");
            assertThat(attach.stdout()).as(attach.stderr()).contains("attached");
            yield "kubectl attach -i web -c main";
          }
          case "cp" -> {
            Path local = dir.resolve(name + ".txt");
            Files.writeString(local, tag + "\n");
            succeed(kubectl.run("cp", local.toString(), "web:/tmp/" + name + ".txt"));
            assertThat(world.kube.readPodFile("default", "web", "/tmp/" + name + ".txt"))
                .get()
                .isEqualTo((tag + "\n").getBytes(StandardCharsets.UTF_8));
            yield "kubectl cp (local) web:/tmp/" + name + ".txt -c main";
          }
          case "port-forward" -> {
            Processes.pingThroughPortForward(
                kubectl.start("port-forward", "pod/web", ":8080"),
                "ping".getBytes(StandardCharsets.UTF_8));
            yield "kubectl port-forward web 8080";
          }
          default -> throw new IllegalArgumentException(verb);
        };

    List<JsonNode> commands = world.awaitSettledCommands(access.sessionId(), before);
    JsonNode command = commands.get(before);
    assertThat(command.get("line").asText()).as(command.toString()).isEqualTo(expected);
    int status = command.get("status").asInt();
    assertThat(status).as(command.toString()).isBetween(101, 299);
    assertThat(command.get("errors").asInt()).as(command.toString()).isZero();
    RESULTS.put(key(binary, server, verb), "✓");
  }

  @AfterAll
  void printMatrix() {
    Map<String, List<String>> rows = new TreeMap<>();
    RESULTS.forEach(
        (key, result) -> {
          String[] parts = key.split("\\|");
          rows.computeIfAbsent(parts[0] + " against " + parts[1], k -> new ArrayList<>());
        });
    StringBuilder out =
        new StringBuilder(
            "\nkubectl compatibility through kpam (✓ works and its line reads as typed)\n");
    out.append(String.format("%-34s", "")).append(String.join(" | ", VERBS)).append('\n');
    for (String row : rows.keySet()) {
      String[] parts = row.split(" against ");
      out.append(String.format("%-34s", row));
      for (String verb : VERBS) {
        String result = RESULTS.getOrDefault(parts[0] + "|" + parts[1] + "|" + verb, "-");
        out.append(String.format("%-" + (verb.length() + 3) + "s", result));
      }
      out.append('\n');
    }
    System.out.println(out);
  }

  private static String key(String binary, KubeVersion server, String verb) {
    return Path.of(binary).getFileName()
        + (binary.equals(Kubectl.DISPATCHER) ? " (default)" : "")
        + "|"
        + server.gitVersion()
        + "|"
        + verb;
  }

  private static void awaitOutput(Process process, String text) throws InterruptedException {
    try {
      StringBuffer output = Processes.collect(process.getInputStream());
      await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains(text));
    } finally {
      Processes.destroy(process);
    }
  }

  private static void succeed(Kubectl.Result result) {
    assertThat(result.exitCode()).as(result.stderr()).isZero();
  }
}
