package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.cli.access.Outcome;
import dev.kpam.testing.kube.Kubectl;
import dev.kpam.testing.kube.RecordedRequest;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** kubectl 1.33 execs over WebSocket by default, over SPDY/3.1 when told not to. */
  @ParameterizedTest
  @ValueSource(strings = {"websocket", "SPDY"})
  void anAdminsTerminationClosesOpenExecAndWatchStreamsWithAReadableMessage(String upgrade)
      throws Exception {
    Path kubeconfig = dir.resolve("terminated-" + upgrade + "-kubeconfig");
    AccessSession access = world.access("1h", kubeconfig);
    Kubectl kubectl =
        world
            .kubectl(Kubectl.V1_33, kubeconfig)
            .env("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", String.valueOf(upgrade.equals("websocket")));
    Predicate<RecordedRequest> execUpgrade =
        r ->
            r.path().endsWith("/pods/web/exec")
                && lowerCase(r.header("upgrade")).startsWith(lowerCase(upgrade));
    Predicate<RecordedRequest> watch = r -> r.uri().contains("watch=");
    long execsBefore = requests(execUpgrade);
    long watchesBefore = requests(watch);
    Process exec = kubectl.start("exec", "-i", "web", "--", "cat");
    Process watching = kubectl.start("get", "pods", "-w");
    try {
      StringBuffer execOut = Processes.collect(exec.getInputStream());
      StringBuffer execErr = Processes.collect(exec.getErrorStream());
      StringBuffer watchOut = Processes.collect(watching.getInputStream());
      OutputStream stdin = exec.getOutputStream();
      stdin.write("before\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      await().atMost(Duration.ofSeconds(30)).until(() -> execOut.toString().contains("before"));
      assertThat(requests(execUpgrade)).isGreaterThan(execsBefore);
      await().atMost(Duration.ofSeconds(30)).until(() -> watchOut.toString().contains("web"));
      // kubectl lists first, then watches: terminate once the watch itself is open.
      await().atMost(Duration.ofSeconds(30)).until(() -> requests(watch) > watchesBefore);

      world.call(
          "POST",
          "/api/v1/sessions/" + access.sessionId() + "/terminate",
          world.adminToken,
          Map.of("reason", "incident 42"));

      assertThat(exec.waitFor(10, TimeUnit.SECONDS)).as("exec ends").isTrue();
      assertThat(exec.exitValue()).isNotZero();
      assertThat(execErr.toString()).contains("terminated").contains("incident 42");
      assertThat(watching.waitFor(10, TimeUnit.SECONDS)).as("watch ends").isTrue();
      Outcome outcome = access.outcome().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(outcome.kind()).isEqualTo(Outcome.Kind.TERMINATED);
      assertThat(outcome.message()).contains("incident 42");
      assertThat(outcome.exitCode()).isEqualTo(4);
    } finally {
      Processes.destroy(exec);
      Processes.destroy(watching);
      access.close();
    }
  }

  @Test
  void accessWithoutADurationOnAnAccountAllowingLessThanTheDefaultUsesTheMaximumAndSaysSo() {
    world.call(
        "PATCH",
        "/api/v1/resources/prod/accounts/admin",
        world.adminToken,
        Map.of("maxSessionDuration", "20m"));
    try {
      AccessSession access = world.access(null, dir.resolve("no-duration-kubeconfig"));
      try {
        assertThat(Duration.between(java.time.Instant.now(), access.expiresAt()))
            .isLessThanOrEqualTo(Duration.ofMinutes(20));
        assertThat(world.accessOutput())
            .contains(
                "No --duration given: the session lasts 20m, the longest this account allows.");
      } finally {
        access.close();
      }
    } finally {
      world.call(
          "PATCH",
          "/api/v1/resources/prod/accounts/admin",
          world.adminToken,
          Map.of("maxSessionDuration", "8h"));
    }
  }

  private long requests(Predicate<RecordedRequest> which) {
    return world.kube.requests().stream().filter(which).count();
  }

  private static String lowerCase(String text) {
    return String.valueOf(text).toLowerCase(Locale.ROOT);
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
