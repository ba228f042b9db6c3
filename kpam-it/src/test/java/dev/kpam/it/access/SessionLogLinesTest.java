package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.cli.access.AccessSession;
import dev.kpam.testing.kube.KubeVersion;
import dev.kpam.testing.kube.Kubectl;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The session log's lines for the commands an auditor reads most, through the whole path, with
 * kubectl 1.27 (JSON bodies, SPDY) and 1.33 (protobuf bodies, WebSocket first) against an API
 * server before 1.30 (WebSocket refused, kubectl retries over SPDY) and a current one
 * (docs/RECORDING.md §6).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionLogLinesTest {
  @TempDir static Path dir;
  private KpamWorld world;

  @BeforeAll
  void start() {
    world = KpamWorld.start(dir);
  }

  @AfterAll
  void stop() {
    if (world != null) world.close();
  }

  static Stream<Arguments> kubectlAndServers() {
    return Stream.of(
        Arguments.of(Kubectl.V1_33, KubeVersion.V1_28),
        Arguments.of(Kubectl.V1_33, KubeVersion.V1_33),
        Arguments.of(Kubectl.V1_27, KubeVersion.V1_28),
        Arguments.of(Kubectl.V1_27, KubeVersion.V1_33));
  }

  @ParameterizedTest(name = "{0} against {1}")
  @MethodSource("kubectlAndServers")
  void theLinesSayExactlyWhatHappened(String binary, KubeVersion server) throws Exception {
    world.kube.behaveAs(server);
    String suffix = server.name().toLowerCase().replace('_', '-') + "-" + binary.hashCode() % 97;
    String made = "fid-made-" + Math.abs(suffix.hashCode() % 10_000);
    String other = "fid-other-" + Math.abs(suffix.hashCode() % 10_000);
    String pod = "fid-pod-" + Math.abs(suffix.hashCode() % 10_000);
    Path kubeconfig = dir.resolve("kubeconfig-" + Math.abs(suffix.hashCode()));
    AccessSession access = world.access("1h", kubeconfig);
    try {
      Kubectl kubectl = world.kubectl(binary, kubeconfig);
      succeed(kubectl.run("create", "configmap", made, "--from-literal=a=b", "-n", "default"));
      succeed(kubectl.run("create", "configmap", other, "-n", "default"));
      succeed(kubectl.run("delete", "configmap", made, other, "-n", "default"));
      succeed(kubectl.run("run", pod, "--image=busybox", "-n", "default"));
      succeed(kubectl.run("exec", "web", "-c", "main", "--", "echo", "fid-exec"));
      Kubectl.Result failing = kubectl.run("exec", "web", "--", "sh", "-c", "exit 7");
      assertThat(failing.exitCode()).as(failing.stderr()).isEqualTo(7);

      List<JsonNode> commands = awaitCommands(access.sessionId(), 6);

      assertThat(commands)
          .extracting(c -> c.get("line").asText())
          .containsExactly(
              "kubectl create configmap " + made + " -n default",
              "kubectl create configmap " + other + " -n default",
              "kubectl delete configmap " + made + " " + other + " -n default",
              "kubectl run " + pod + " -n default",
              "kubectl exec web -c main -- echo fid-exec",
              "kubectl exec web -c main -- sh -c 'exit 7'");
      assertThat(commands)
          .extracting(c -> c.get("status").asInt())
          .containsExactly(201, 201, 200, 201, 101, 101);
      assertThat(commands).allSatisfy(c -> assertThat(c.get("errors").asInt()).isZero());
      assertThat(commands.get(4).get("exitCode").asInt()).isZero();
      assertThat(commands.get(5).get("exitCode").asInt()).isEqualTo(7);
      boolean retried = binary.equals(Kubectl.V1_33) && server == KubeVersion.V1_28;
      for (JsonNode exec : commands.subList(4, 6)) {
        if (retried) {
          assertThat(exec.get("note").asText()).contains("retried over SPDY");
          assertThat(exec.get("requests").asInt()).as(exec.toString()).isGreaterThanOrEqualTo(3);
        } else {
          assertThat(exec.get("note").isNull()).as(exec.toString()).isTrue();
        }
      }
    } finally {
      access.close();
    }
  }

  /**
   * The session's commands once {@code count} have settled and the exit codes of the last two (the
   * execs) are in: a stream's exit code comes in its own event, which may reach the server in a
   * later upload than the exec's request (CI saw exit code 7 read as missing once).
   */
  private List<JsonNode> awaitCommands(String sessionId, int count) {
    List<JsonNode> commands = new java.util.ArrayList<>();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () -> {
              commands.clear();
              commands.addAll(world.awaitSettledCommands(sessionId, count - 1));
              return commands.size() >= count
                  && commands.subList(count - 2, count).stream()
                      .allMatch(c -> c.path("exitCode").isIntegralNumber());
            });
    return commands;
  }

  private static void succeed(Kubectl.Result result) {
    assertThat(result.exitCode()).as(result.stderr()).isZero();
  }
}
