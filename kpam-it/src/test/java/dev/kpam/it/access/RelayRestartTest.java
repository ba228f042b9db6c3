package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.cli.access.Outcome;
import dev.kpam.testing.kube.Kubectl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay restarts during a session. In the default deployment the relay is embedded in {@code
 * kpam server}, so a relay restart is a restart of the whole control plane: the relay and the
 * server that the gateway and the CLI also talk to are down together, and come back on the same
 * ports from the same data dir.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayRestartTest {
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
  void kubectlWorksAgainAfterTheServerAndItsRelayRestartWithoutANewAccess() {
    Path kubeconfig = dir.resolve("restart-kubeconfig");
    AccessSession access = world.access("1h", kubeconfig);
    try {
      Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
      Kubectl.Result before = kubectl.run("get", "pods");
      assertThat(before.exitCode()).as(before.stderr()).isZero();

      world.stopControlPlane();
      Kubectl.Result down = kubectl.run("get", "pods", "--request-timeout=20s");
      assertThat(down.exitCode()).isNotZero();
      assertThat(down.stderr()).contains("cannot reach the kpam relay");

      world.startControlPlane();
      Kubectl.Result again = kubectl.run("get", "pods");
      assertThat(again.exitCode()).as(again.stderr()).isZero();
      assertThat(again.stdout()).contains("web");
      assertThat(access.outcome().toCompletableFuture()).as(world.accessOutput()).isNotDone();
      assertThat(sessionStatus(access)).isEqualTo("ACTIVE");
    } finally {
      access.close();
    }
  }

  @Test
  void anAdminsTerminationStillClosesOpenStreamsAfterTheServerRestarts() throws Exception {
    Path kubeconfig = dir.resolve("terminated-kubeconfig");
    AccessSession access = world.access("1h", kubeconfig);
    world.stopControlPlane();
    world.startControlPlane();
    long watchesBefore = watchRequests();
    Process watch = world.kubectl(Kubectl.V1_33, kubeconfig).start("get", "pods", "-w");
    try {
      StringBuffer watchOut = Processes.collect(watch.getInputStream());
      await().atMost(Duration.ofSeconds(30)).until(() -> watchOut.toString().contains("web"));
      await().atMost(Duration.ofSeconds(30)).until(() -> watchRequests() > watchesBefore);

      world.call(
          "POST",
          "/api/v1/sessions/" + access.sessionId() + "/terminate",
          world.adminToken,
          Map.of("reason", "incident 43"));

      // The gateway's push stream reconnects after the restart; termination must reach it.
      assertThat(watch.waitFor(10, TimeUnit.SECONDS)).as("watch ends").isTrue();
      Outcome outcome = access.outcome().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(outcome.kind()).isEqualTo(Outcome.Kind.TERMINATED);
    } finally {
      Processes.destroy(watch);
      access.close();
    }
  }

  private String sessionStatus(AccessSession access) {
    return world
        .call("GET", "/api/v1/sessions/" + access.sessionId(), world.adminToken, null)
        .get("status")
        .asText();
  }

  private long watchRequests() {
    return world.kube.requests().stream().filter(r -> r.uri().contains("watch=")).count();
  }
}
