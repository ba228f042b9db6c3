package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.cli.access.Outcome;
import dev.kpam.testing.kube.Kubectl;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** What happens to a session's connections when it ends, and what an observer can see. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionLifecycleTest {
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

  @Test
  void anAdminsTerminationClosesOpenExecAndWatchStreamsWithAReadableMessage() throws Exception {
    Path kubeconfig = dir.resolve("terminated-kubeconfig");
    AccessSession access = world.access("1h", kubeconfig);
    Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
    Process exec = kubectl.start("exec", "-i", "web", "--", "cat");
    Process watch = kubectl.start("get", "pods", "-w");
    try {
      StringBuffer execOut = Processes.collect(exec.getInputStream());
      StringBuffer execErr = Processes.collect(exec.getErrorStream());
      StringBuffer watchOut = Processes.collect(watch.getInputStream());
      OutputStream stdin = exec.getOutputStream();
      stdin.write("before\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      await().atMost(Duration.ofSeconds(30)).until(() -> execOut.toString().contains("before"));
      await().atMost(Duration.ofSeconds(30)).until(() -> watchOut.toString().contains("web"));
      // kubectl lists first, then watches: terminate once the watch itself is open.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> world.kube.requests().stream().anyMatch(r -> r.uri().contains("watch=")));

      world.call(
          "POST",
          "/api/v1/sessions/" + access.sessionId() + "/terminate",
          world.adminToken,
          Map.of("reason", "incident 42"));

      assertThat(exec.waitFor(10, TimeUnit.SECONDS)).as("exec ends").isTrue();
      assertThat(exec.exitValue()).isNotZero();
      assertThat(execErr.toString()).contains("terminated").contains("incident 42");
      assertThat(watch.waitFor(10, TimeUnit.SECONDS)).as("watch ends").isTrue();
      Outcome outcome = access.outcome().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(outcome.kind()).isEqualTo(Outcome.Kind.TERMINATED);
      assertThat(outcome.message()).contains("incident 42");
      assertThat(outcome.exitCode()).isEqualTo(4);
    } finally {
      Processes.destroy(exec);
      Processes.destroy(watch);
      access.close();
    }
  }

  @Test
  void anObserverBetweenCliAndRelaySeesNeitherTheTokenNorAnyRequestPath() throws Exception {
    int relayPort = world.plane.relay().port();
    try (TcpTap tap = new TcpTap(new InetSocketAddress("127.0.0.1", relayPort))) {
      world.plane.server().relayListening(tap.port());
      Path kubeconfig = dir.resolve("tapped-kubeconfig");
      AccessSession access = world.access("1h", kubeconfig);
      try {
        Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
        Kubectl.Result pods = kubectl.run("get", "pods", "-n", "default");
        assertThat(pods.exitCode()).as(pods.stderr()).isZero();
        Kubectl.Result exec = kubectl.run("exec", "web", "--", "echo", "secret-output-marker");
        assertThat(exec.stdout()).as(exec.stderr()).contains("secret-output-marker");
        String localToken = OpenAccess.localToken(kubeconfig);

        String seen = new String(tap.seen(), StandardCharsets.ISO_8859_1);
        assertThat(seen.length()).isGreaterThan(1000);
        assertThat(seen)
            .doesNotContain(KpamWorld.STORED_TOKEN)
            .doesNotContain(localToken)
            .doesNotContain("/api/v1")
            .doesNotContain("namespaces/default")
            .doesNotContain("secret-output-marker");
      } finally {
        access.close();
        world.plane.server().relayListening(relayPort);
      }
    }
  }

  @Test
  void kubectlWorksAgainAfterTheGatewayRestartsWithoutANewAccess() throws Exception {
    Path kubeconfig = dir.resolve("restart-kubeconfig");
    AccessSession access = world.access("1h", kubeconfig);
    try {
      Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
      assertThat(kubectl.run("get", "pods").exitCode()).isZero();

      world.stopGateway();
      Kubectl.Result down = kubectl.run("get", "pods", "--request-timeout=20s");
      assertThat(down.exitCode()).isNotZero();
      assertThat(down.stderr()).contains("not connected");

      world.startGateway();
      Kubectl.Result again = kubectl.run("get", "pods");
      assertThat(again.exitCode()).as(again.stderr()).isZero();
      assertThat(again.stdout()).contains("web");
    } finally {
      access.close();
    }
  }
}
