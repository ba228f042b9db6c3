package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.testing.kube.Kubectl;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A person in {@code kubectl exec -it} (on a real pseudo-terminal, over WebSocket and over SPDY)
 * reads on the terminal that the session ends in 5 minutes, and keeps typing.
 */
class ExpiryNoticeThroughKpamTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anInteractiveExecIsToldFiveMinutesBeforeTheSessionEnds(boolean websockets) throws Exception {
    try (KpamWorld world = KpamWorld.start(dir)) {
      Path kubeconfig = dir.resolve("kubeconfig");
      // Expires 5 minutes and a few seconds from now: the first notice is due in those seconds.
      try (AccessSession access = world.access("5m6s", kubeconfig)) {
        Process exec =
            world
                .kubectl(Kubectl.V1_33, kubeconfig)
                .env("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", String.valueOf(websockets))
                .startInTerminal("exec", "-it", "web", "--", "cat");
        try {
          StringBuffer out = Processes.collect(exec.getInputStream());
          OutputStream keys = exec.getOutputStream();
          keys.write("typed-before\r".getBytes(StandardCharsets.UTF_8));
          keys.flush();
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> out.toString().contains("kpam: this session ends in 5 minutes"));
          keys.write("typed-after\r".getBytes(StandardCharsets.UTF_8));
          keys.flush();
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> out.toString().contains("typed-after"));
          assertThat(out.toString()).contains("typed-before");
          assertThat(exec.isAlive()).as("the exec goes on").isTrue();
        } finally {
          Processes.destroy(exec);
        }
      }
    }
  }
}
