package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.testing.kube.Kubectl;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streams a gateway instance carried when it is killed with SIGKILL end saying why, as the real
 * kubectl shows it: an exec over WebSocket ({@code v5.channel.k8s.io}) gets a {@code Status} on its
 * error channel from the local proxy and kubectl prints it; a watch gets an {@code ERROR} event and
 * kubectl prints it as the last row.
 */
class StreamsOfAKilledGatewayTest {
  @TempDir Path dir;

  @Test
  void anExecAndAWatchOnAKilledGatewaySayWhyTheyEnded() throws Exception {
    try (KpamWorld world = KpamWorld.start(dir)) {
      world.stopGateway();
      Process gateway = world.startGatewayProcess();
      Path kubeconfig = dir.resolve("kubeconfig");
      try (AccessSession access = world.access("1h", kubeconfig)) {
        Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
        Process exec = kubectl.start("exec", "-i", "web", "--", "cat");
        StringBuffer execOut = Processes.collect(exec.getInputStream());
        StringBuffer execErr = Processes.collect(exec.getErrorStream());
        OutputStream stdin = exec.getOutputStream();
        stdin.write("hello\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> execOut.toString().contains("hello"));
        Process watch = kubectl.start("get", "pods", "--watch");
        StringBuffer watchOut = Processes.collect(watch.getInputStream());
        Processes.collect(watch.getErrorStream());
        await().atMost(Duration.ofSeconds(30)).until(() -> watchOut.toString().contains("web"));

        world.killGatewayProcess(gateway);

        assertThat(exec.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(watch.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(300); // the readers have the last of it
        assertThat(execErr.toString())
            .as("kubectl exec's error")
            .contains("the connection to the kpam gateway closed mid-stream");
        assertThat(exec.exitValue()).isNotZero();
        assertThat(watchOut.toString())
            .containsPattern(
                "Failure +ServiceUnavailable +the connection to the kpam gateway closed mid-watch");
      } finally {
        gateway.destroyForcibly().waitFor();
      }
    }
  }
}
