package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.cli.access.Outcome;
import dev.kpam.testing.kube.Kubectl;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's expiry is enforced inside open streams. Sessions last at least a minute, so this test
 * waits for one minute of real time: the gateway, the server and the CLI each keep their own real
 * clocks here, as in production.
 */
class SessionExpiryTest {
  @TempDir Path dir;

  @Test
  void expiryClosesOpenExecAndWatchStreamsWithAReadableMessage() throws Exception {
    try (KpamWorld world = KpamWorld.start(dir)) {
      Path kubeconfig = dir.resolve("kubeconfig");
      AccessSession access = world.access("1m", kubeconfig);
      Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
      Process exec = kubectl.start("exec", "-i", "web", "--", "cat");
      Process watch = kubectl.start("get", "pods", "-w");
      try {
        StringBuffer execOut = Processes.collect(exec.getInputStream());
        StringBuffer execErr = Processes.collect(exec.getErrorStream());
        OutputStream stdin = exec.getOutputStream();
        stdin.write("still here\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> execOut.toString().contains("still here"));

        assertThat(exec.waitFor(90, TimeUnit.SECONDS)).as("exec ends at expiry").isTrue();
        assertThat(exec.exitValue()).isNotZero();
        assertThat(execErr.toString()).contains("expired");
        assertThat(watch.waitFor(30, TimeUnit.SECONDS)).as("watch ends at expiry").isTrue();
        Outcome outcome = access.outcome().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(outcome.kind()).isEqualTo(Outcome.Kind.EXPIRED);
        assertThat(outcome.exitCode()).isEqualTo(3);
      } finally {
        Processes.destroy(exec);
        Processes.destroy(watch);
        access.close();
      }
    }
  }
}
