package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.testing.kube.Kubectl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kubectl feature through local proxy, relay and gateway: CRUD, watch, logs -f, exec with
 * stdin, exit codes, cp both ways and port-forward, over WebSocket and over SPDY.
 */
class KubectlFeaturesThroughKpamTest extends OpenAccess {
  /** Each kubectl with the transport it will use: 1.33 WebSocket by default, SPDY when told. */
  static Stream<Arguments> transports() {
    return Stream.of(
        Arguments.of(Kubectl.V1_27, "true", "SPDY"),
        Arguments.of(Kubectl.V1_33, "true", "websocket"),
        Arguments.of(Kubectl.V1_33, "false", "SPDY"));
  }

  private Kubectl kubectl(String binary, String websockets) {
    return world
        .kubectl(binary, kubeconfig)
        .env("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", websockets)
        .env("KUBECTL_PORT_FORWARD_WEBSOCKETS", websockets);
  }

  @ParameterizedTest
  @ValueSource(strings = {Kubectl.V1_27, Kubectl.V1_33})
  void createApplyPatchAndDeleteChangeTheCluster(String binary) throws Exception {
    Kubectl kubectl = world.kubectl(binary, kubeconfig);
    String name = "settings-" + Path.of(binary).getFileName().toString().replace('.', '-');
    Kubectl.Result created = kubectl.run("create", "configmap", name, "--from-literal=color=blue");
    assertThat(created.exitCode()).as(created.stderr()).isZero();
    assertThat(world.kube.object("", "v1", "configmaps", "default", name))
        .get()
        .asString()
        .contains("blue");

    Kubectl.Result patched =
        kubectl.run(
            "patch", "configmap", name, "--type=merge", "-p", "{\"data\":{\"color\":\"green\"}}");
    assertThat(patched.exitCode()).as(patched.stderr()).isZero();
    assertThat(world.kube.object("", "v1", "configmaps", "default", name))
        .get()
        .asString()
        .contains("green");

    Path manifest = dir.resolve(name + ".yaml");
    Files.writeString(
        manifest,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "
            + name
            + "\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n"
            + "    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n"
            + "      - name: web\n        image: nginx\n");
    // -v=6: were it to hang, the timeout's message shows the requests that were answered.
    Kubectl.Result applied = kubectl.run("apply", "-f", manifest.toString(), "-v=6");
    assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    Kubectl.Result reapplied = kubectl.run("apply", "-f", manifest.toString());
    assertThat(reapplied.exitCode()).as(reapplied.stderr()).isZero();

    Kubectl.Result deleted = kubectl.run("delete", "configmap", name);
    assertThat(deleted.exitCode()).as(deleted.stderr()).isZero();
    assertThat(world.kube.object("", "v1", "configmaps", "default", name)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {Kubectl.V1_27, Kubectl.V1_33})
  void getWatchSeesAChangeMadeByAnotherKubectl(String binary) throws Exception {
    String name = "watched-" + Path.of(binary).getFileName().toString().replace('.', '-');
    world.kube.addConfigMap("default", "seen-before-" + name, java.util.Map.of());
    Process watch = world.kubectl(binary, kubeconfig).start("get", "configmaps", "-w");
    try {
      StringBuffer output = Processes.collect(watch.getInputStream());
      await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("NAME"));
      Kubectl.Result created = world.kubectl(binary, kubeconfig).run("create", "configmap", name);
      assertThat(created.exitCode()).as(created.stderr()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains(name));
    } finally {
      Processes.destroy(watch);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Kubectl.V1_27, Kubectl.V1_33})
  void logsFollowStreamsLinesAsTheyAreWritten(String binary) throws Exception {
    world.kube.appendLog("default", "web", "first line of " + binary);
    Process follow = world.kubectl(binary, kubeconfig).start("logs", "-f", "web");
    try {
      StringBuffer output = Processes.collect(follow.getInputStream());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> output.toString().contains("first line of " + binary));
      world.kube.appendLog("default", "web", "later line of " + binary);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> output.toString().contains("later line of " + binary));
    } finally {
      Processes.destroy(follow);
    }
  }

  @ParameterizedTest
  @MethodSource("transports")
  void execWithPipedStdinCopiesItToStdout(String binary, String websockets, String upgrade) {
    Kubectl.Result result =
        kubectl(binary, websockets)
            .run(
                "hello through kpam\n".getBytes(StandardCharsets.UTF_8),
                "exec",
                "-i",
                "web",
                "--",
                "cat");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).isEqualTo("hello through kpam\n");
    assertThat(world.kube.requests())
        .anySatisfy(
            request -> {
              assertThat(request.path()).endsWith("/pods/web/exec");
              assertThat(request.header("upgrade")).containsIgnoringCase(upgrade);
            });
  }

  /**
   * A command that ends at once: its output and status come right after the 101 and must cross both
   * proxies' switch from HTTP to a byte pipe (it once lost them about one time in three). The same
   * packet as the 101 is tested at the gateway (WebSocketExecThroughProxyTest): kubectl drops
   * frames that come before it registered its streams, so the fake, like a real API server, starts
   * the process a moment after the 101.
   */
  @ParameterizedTest
  @MethodSource("transports")
  void aCommandThatEndsAtOnceAlwaysShowsItsOutput(
      String binary, String websockets, String upgrade) {
    for (int i = 0; i < 10; i++) {
      Kubectl.Result result =
          kubectl(binary, websockets).run("exec", "web", "--", "echo", "run " + i);
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stdout()).isEqualTo("run " + i + "\n");
    }
  }

  @ParameterizedTest
  @MethodSource("transports")
  void execExitsWithTheCommandsExitCode(String binary, String websockets, String upgrade) {
    Kubectl.Result result =
        kubectl(binary, websockets).run("exec", "web", "--", "sh", "-c", "exit 7");
    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(7);
  }

  @ParameterizedTest
  @MethodSource("transports")
  void attachCopiesStdinToTheContainer(String binary, String websockets, String upgrade) {
    Kubectl.Result result =
        kubectl(binary, websockets)
            .run("attached\n".getBytes(StandardCharsets.UTF_8), "attach", "-i", "web");
    assertThat(result.stdout()).as(result.stderr()).contains("attached");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void cpCopiesAFileIntoThePodAndBack(String binary, String websockets, String upgrade)
      throws Exception {
    String tag = Path.of(binary).getFileName() + "-" + websockets;
    Path local = dir.resolve("notes-" + tag + ".txt");
    Files.writeString(local, "remember the milk\n");
    Kubectl.Result in =
        kubectl(binary, websockets).run("cp", local.toString(), "web:/tmp/notes-" + tag + ".txt");
    assertThat(in.exitCode()).as(in.stderr()).isZero();
    assertThat(world.kube.readPodFile("default", "web", "/tmp/notes-" + tag + ".txt"))
        .get()
        .isEqualTo("remember the milk\n".getBytes(StandardCharsets.UTF_8));

    world.kube.writePodFile(
        "default",
        "web",
        "/var/report-" + tag + ".csv",
        "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
    Path copy = dir.resolve("report-" + tag + ".csv");
    Kubectl.Result out =
        kubectl(binary, websockets).run("cp", "web:/var/report-" + tag + ".csv", copy.toString());
    assertThat(out.exitCode()).as(out.stderr()).isZero();
    assertThat(Files.readString(copy)).isEqualTo("a,b\n1,2\n");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void portForwardEchoesBytesThroughTheLocalPort(String binary, String websockets, String upgrade)
      throws Exception {
    Processes.pingThroughPortForward(
        kubectl(binary, websockets).start("port-forward", "pod/web", ":8080"),
        "ping over kpam".getBytes(StandardCharsets.UTF_8));
  }
}
