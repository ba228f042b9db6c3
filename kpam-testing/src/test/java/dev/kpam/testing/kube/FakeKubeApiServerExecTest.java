package dev.kpam.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FakeKubeApiServerExecTest {
  @TempDir Path dir;
  private FakeKubeApiServer kube;
  private Path kubeconfig;

  @BeforeEach
  void start() {
    kube = FakeKubeApiServer.start("secret-token");
    kubeconfig = dir.resolve("kubeconfig");
    kube.writeKubeconfig(kubeconfig, "secret-token");
    kube.addPod("default", "web");
  }

  @AfterEach
  void stop() {
    kube.close();
  }

  /** Each kubectl with the transport it will use: 1.33 WebSocket by default, SPDY when told. */
  static Stream<Arguments> transports() {
    return Stream.of(
        Arguments.of(Kubectl.V1_27, "true", "SPDY"),
        Arguments.of(Kubectl.V1_33, "true", "websocket"),
        Arguments.of(Kubectl.V1_33, "false", "SPDY"));
  }

  private Kubectl kubectl(String binary, String websockets) {
    return new Kubectl(binary, kubeconfig, dir.resolve("home"))
        .env("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", websockets)
        .env("KUBECTL_PORT_FORWARD_WEBSOCKETS", websockets);
  }

  @ParameterizedTest
  @MethodSource("transports")
  void execWithPipedStdinCopiesItToStdout(String binary, String websockets, String upgrade) {
    Kubectl.Result result =
        kubectl(binary, websockets)
            .run("hello\n".getBytes(StandardCharsets.UTF_8), "exec", "-i", "web", "--", "cat");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).isEqualTo("hello\n");
    assertThat(kube.requests())
        .anySatisfy(
            request -> {
              assertThat(request.path()).endsWith("/pods/web/exec");
              assertThat(request.header("upgrade")).containsIgnoringCase(upgrade);
              assertThat(request.protocol()).isEqualTo(RecordedRequest.HTTP_1_1);
            });
  }

  @ParameterizedTest
  @MethodSource("transports")
  void execExitsWithTheCommandsExitCode(String binary, String websockets, String upgrade) {
    Kubectl.Result result =
        kubectl(binary, websockets).run("exec", "web", "--", "sh", "-c", "exit 7");

    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(7);
  }

  @Test
  void aServerBefore130RefusesWebSocketsAndKubectlFallsBackToSpdy() {
    kube.behaveAs(KubeVersion.V1_28);

    Kubectl.Result result =
        kubectl(Kubectl.V1_33, "true").run("exec", "web", "--", "echo", "fallback");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).isEqualTo("fallback\n");
    assertThat(kube.requests())
        .extracting(r -> r.method() + " " + r.header("upgrade"))
        .contains("GET websocket", "POST SPDY/3.1");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void portForwardEchoesBytesThroughTheLocalPort(String binary, String websockets, String upgrade)
      throws Exception {
    Process forward = kubectl(binary, websockets).start("port-forward", "pod/web", ":8080");
    try {
      StringBuffer output = FakeKubeApiServerStreamingTest.collect(forward.getInputStream());
      java.util.regex.Pattern forwarding =
          java.util.regex.Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> 8080");
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .until(() -> forwarding.matcher(output).find());
      java.util.regex.Matcher matcher = forwarding.matcher(output);
      assertThat(matcher.find()).isTrue();
      int port = Integer.parseInt(matcher.group(1));

      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write("ping over the tunnel".getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        byte[] echoed = socket.getInputStream().readNBytes("ping over the tunnel".length());
        assertThat(new String(echoed, StandardCharsets.UTF_8)).isEqualTo("ping over the tunnel");
      }
      assertThat(kube.requests())
          .anySatisfy(
              request -> {
                assertThat(request.path()).endsWith("/pods/web/portforward");
                assertThat(request.header("upgrade")).containsIgnoringCase(upgrade);
              });
    } finally {
      FakeKubeApiServerStreamingTest.destroy(forward);
    }
  }

  @ParameterizedTest
  @MethodSource("transports")
  void cpCopiesAFileIntoThePodAndBack(String binary, String websockets, String upgrade)
      throws Exception {
    Path local = dir.resolve("notes.txt");
    Files.writeString(local, "remember the milk\n");

    Kubectl.Result in =
        kubectl(binary, websockets).run("cp", local.toString(), "web:/tmp/notes.txt");
    assertThat(in.exitCode()).as(in.stderr()).isZero();
    assertThat(kube.readPodFile("default", "web", "/tmp/notes.txt"))
        .get()
        .isEqualTo("remember the milk\n".getBytes(StandardCharsets.UTF_8));

    kube.writePodFile(
        "default", "web", "/var/report.csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
    Path copy = dir.resolve("report.csv");
    Kubectl.Result out =
        kubectl(binary, websockets).run("cp", "web:/var/report.csv", copy.toString());
    assertThat(out.exitCode()).as(out.stderr()).isZero();
    assertThat(Files.readString(copy)).isEqualTo("a,b\n1,2\n");
  }
}
