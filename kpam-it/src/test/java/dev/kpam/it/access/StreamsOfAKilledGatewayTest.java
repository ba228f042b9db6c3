package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.testing.kube.KubeVersion;
import dev.kpam.testing.kube.Kubectl;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams a gateway instance carried when it is killed with SIGKILL end saying why, as the real
 * kubectl 1.33 shows it. Against a 1.33 API server: an exec over WebSocket ({@code
 * v5.channel.k8s.io}) gets a {@code Status} on its error channel from the local proxy, a
 * port-forward tunnelled in WebSocket ({@code SPDY/3.1+portforward.k8s.io}) the reason on the error
 * stream of its open connection, and a watch an {@code ERROR} event, printed as its last row.
 * Against an API server before 1.30, where kubectl falls back to SPDY, an exec gets the {@code
 * Status} on its error stream and a port-forward the reason on its error stream.
 */
class StreamsOfAKilledGatewayTest {
  private static final String REASON = "the connection to the kpam gateway closed mid-stream";

  @TempDir Path dir;

  @Test
  void anExecAPortForwardAndAWatchOnAKilledGatewaySayWhyTheyEnded() throws Exception {
    try (KpamWorld world = KpamWorld.start(dir)) {
      world.stopGateway();
      Process gateway = world.startGatewayProcess();
      Path kubeconfig = dir.resolve("kubeconfig");
      try (AccessSession access = world.access("1h", kubeconfig);
          Socket forwarded = new Socket()) {
        Kubectl kubectl =
            world
                .kubectl(Kubectl.V1_33, kubeconfig)
                .env("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "true")
                .env("KUBECTL_PORT_FORWARD_WEBSOCKETS", "true");
        Processes.Running exec = startExec(kubectl);
        Processes.Running forward = startPortForward(kubectl, forwarded);
        Processes.Running watch = Processes.Running.of(kubectl.start("get", "pods", "--watch"));
        Processes.Running logs = Processes.Running.of(kubectl.start("logs", "-f", "web"));
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.out().toString().contains("web"));
        world.kube.appendLog("default", "web", "started");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> logs.out().toString().contains("started"));
        // An event of the watch itself, so that its answer is under way when the gateway dies (one
        // not yet answered is sent again, and the dead gateway's relay answers that with a Status).
        world.kube.addPod("default", "web-2");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> watch.out().toString().contains("web-2"));

        world.killGatewayProcess(gateway);

        endsSayingTheGatewayClosed(exec);
        portForwardSaysTheGatewayClosed(forward, forwarded);
        logs.endsSaying(
            () ->
                assertThat(logs.out().toString())
                    .as(logs.printed())
                    .contains("kpam: " + REASON + " (a gateway instance stopped?)"));
        assertThat(logs.err().toString()).contains("unexpected EOF");
        assertThat(logs.process().exitValue()).isNotZero();
        watch.endsSaying(
            () ->
                assertThat(watch.out().toString())
                    .as(watch.printed())
                    .containsPattern(
                        "Failure +ServiceUnavailable +the connection to the kpam gateway closed"
                            + " mid-watch"));
      } finally {
        gateway.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void anExecAndAPortForwardOverSpdyOnAKilledGatewaySayWhyTheyEnded() throws Exception {
    try (KpamWorld world = KpamWorld.start(dir)) {
      world.kube.behaveAs(KubeVersion.V1_28); // refuses WebSocket: kubectl 1.33 retries over SPDY
      world.stopGateway();
      Process gateway = world.startGatewayProcess();
      Path kubeconfig = dir.resolve("kubeconfig");
      try (AccessSession access = world.access("1h", kubeconfig);
          Socket forwarded = new Socket()) {
        Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
        Processes.Running exec = startExec(kubectl);
        Processes.Running forward = startPortForward(kubectl, forwarded);

        world.killGatewayProcess(gateway);

        endsSayingTheGatewayClosed(exec);
        portForwardSaysTheGatewayClosed(forward, forwarded);
      } finally {
        gateway.destroyForcibly().waitFor();
      }
    }
  }

  /** {@code kubectl exec -i web -- cat}, once it has echoed a line. */
  private static Processes.Running startExec(Kubectl kubectl) throws Exception {
    Processes.Running exec = Processes.Running.of(kubectl.start("exec", "-i", "web", "--", "cat"));
    OutputStream stdin = exec.process().getOutputStream();
    stdin.write("hello\n".getBytes(StandardCharsets.UTF_8));
    stdin.flush();
    await().atMost(Duration.ofSeconds(30)).until(() -> exec.out().toString().contains("hello"));
    return exec;
  }

  /**
   * {@code kubectl port-forward pod/web :8080}, with {@code forwarded} connected through it and
   * echoed once (the fake pod's port 8080 echoes).
   */
  private static Processes.Running startPortForward(Kubectl kubectl, Socket forwarded)
      throws Exception {
    Processes.Running forward =
        Processes.Running.of(kubectl.start("port-forward", "pod/web", ":8080"));
    forwarded.connect(new InetSocketAddress("127.0.0.1", Processes.forwardedPort(forward.out())));
    forwarded.setSoTimeout(30_000);
    forwarded.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
    assertThat(forwarded.getInputStream().readNBytes(4)).asString().isEqualTo("ping");
    return forward;
  }

  private static void endsSayingTheGatewayClosed(Processes.Running exec) throws Exception {
    exec.endsSaying(
        () -> assertThat(exec.err().toString()).as("kubectl exec's error").contains(REASON));
    assertThat(exec.process().exitValue()).isNotZero();
  }

  private static void portForwardSaysTheGatewayClosed(Processes.Running forward, Socket forwarded)
      throws Exception {
    assertThat(forwarded.getInputStream().read()).as("the forwarded connection ends").isEqualTo(-1);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(forward.err().toString())
                    .as(forward.printed())
                    .contains("an error occurred forwarding", REASON));
    Processes.destroy(forward.process());
  }
}
