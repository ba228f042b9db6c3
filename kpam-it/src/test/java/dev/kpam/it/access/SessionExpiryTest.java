package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.cli.access.Outcome;
import dev.kpam.testing.kube.Kubectl;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's expiry is enforced inside open streams, exec over WebSocket and over SPDY alike.
 * Sessions last at least a minute, so this test waits for one minute of real time: the gateway, the
 * server and the CLI each keep their own real clocks here, as in production.
 */
class SessionExpiryTest {
  @TempDir Path dir;

  @Test
  void expiryClosesOpenExecAndWatchStreamsWithAReadableMessage() throws Exception {
    try (KpamWorld world = KpamWorld.start(dir)) {
      Path kubeconfig = dir.resolve("kubeconfig");
      AccessSession access = world.access("1m", kubeconfig);
      Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
      Kubectl overSpdy =
          world
              .kubectl(Kubectl.V1_33, kubeconfig)
              .env("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false");
      Process exec = kubectl.start("exec", "-i", "web", "--", "cat");
      Process spdyExec = overSpdy.start("exec", "-i", "web", "--", "cat");
      Process watch = kubectl.start("get", "pods", "-w");
      try {
        StringBuffer execErr = talkTo(exec, "still here\n");
        StringBuffer spdyExecErr = talkTo(spdyExec, "still here over SPDY\n");
        assertThat(world.kube.requests())
            .anySatisfy(r -> assertThat(r.header("upgrade")).isEqualTo("SPDY/3.1"));

        assertThat(exec.waitFor(90, TimeUnit.SECONDS)).as("exec ends at expiry").isTrue();
        assertThat(exec.exitValue()).isNotZero();
        assertThat(execErr.toString()).contains("expired");
        assertThat(spdyExec.waitFor(30, TimeUnit.SECONDS)).as("SPDY exec ends at expiry").isTrue();
        assertThat(spdyExec.exitValue()).isNotZero();
        assertThat(spdyExecErr.toString()).contains("expired");
        assertThat(watch.waitFor(30, TimeUnit.SECONDS)).as("watch ends at expiry").isTrue();
        Outcome outcome = access.outcome().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(outcome.kind()).isEqualTo(Outcome.Kind.EXPIRED);
        assertThat(outcome.exitCode()).isEqualTo(3);
      } finally {
        Processes.destroy(exec);
        Processes.destroy(spdyExec);
        Processes.destroy(watch);
        access.close();
      }
    }
  }

  /** Writes {@code line} to a running {@code kubectl exec -i ... cat}, waits for its echo. */
  private static StringBuffer talkTo(Process exec, String line) throws IOException {
    StringBuffer out = Processes.collect(exec.getInputStream());
    StringBuffer err = Processes.collect(exec.getErrorStream());
    OutputStream stdin = exec.getOutputStream();
    stdin.write(line.getBytes(StandardCharsets.UTF_8));
    stdin.flush();
    await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains(line));
    return err;
  }
}
