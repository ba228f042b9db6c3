package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.gateway.enroll.GatewayFiles;
import dev.kpam.relay.StandaloneRelay;
import dev.kpam.testing.kube.Kubectl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relays learnt after enrollment (issue 15): the server's heartbeat answer names the relays it
 * announces; a gateway dials a relay added later, keeps tunnels to all of them, closes the tunnel
 * to one retired, remembers the list for its next start, and kubectl works through the new relay; a
 * session's connections move to the next announced relay when the first stops, or drains as on
 * SIGTERM.
 */
class RelayAnnouncementTest {
  @TempDir Path dir;

  @Test
  void aGatewayFollowsTheRelaysTheServerAnnounces() throws Exception {
    try (KpamWorld world = KpamWorld.startWithStandaloneRelay(dir, b -> b)) {
      String first = "127.0.0.1:" + world.standaloneRelay().port();
      int port = KpamWorld.freePort();
      String second = "127.0.0.1:" + port;
      try (StandaloneRelay added = world.startRelay("edge-2", dir.resolve("relay-2"), port)) {
        world.restartAnnouncing(List.of(first, second));
        // Within a heartbeat (10 s) the gateway has a tunnel at both.
        await()
            .atMost(Duration.ofSeconds(40))
            .until(() -> added.connectedGateways().containsKey(world.gatewayId));
        assertThat(world.standaloneRelay().connectedGateways()).containsKey(world.gatewayId);
        assertThat(GatewayFiles.in(dir.resolve("gateway")).load().relayAddresses())
            .containsExactly(first, second);

        world.restartAnnouncing(List.of(second));
        await()
            .atMost(Duration.ofSeconds(40))
            .until(() -> !world.standaloneRelay().connectedGateways().containsKey(world.gatewayId));
        assertThat(added.connectedGateways()).containsKey(world.gatewayId);

        Path kubeconfig = dir.resolve("kubeconfig");
        try (AccessSession access = world.access("10m", kubeconfig)) {
          Kubectl.Result pods = world.kubectl(Kubectl.V1_33, kubeconfig).run("get", "pods");
          assertThat(pods.exitCode()).as(pods.stderr()).isZero();
          assertThat(pods.stdout()).contains("web");
        }
      }
    }
  }

  @Test
  void kubectlGoesOnThroughTheNextRelayWhenTheFirstStops() throws Exception {
    try (KpamWorld world = KpamWorld.startWithStandaloneRelay(dir, b -> b)) {
      try (StandaloneRelay second = secondRelayAnnounced(world)) {
        Path kubeconfig = dir.resolve("kubeconfig");
        try (AccessSession access = world.access("10m", kubeconfig)) {
          Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
          Kubectl.Result before = kubectl.run("get", "pods");
          assertThat(before.exitCode()).as(before.stderr()).isZero();

          world.standaloneRelay().close(); // the relay the session was told first
          for (int i = 0; i < 3; i++) {
            Kubectl.Result pods = kubectl.run("get", "pods");
            assertThat(pods.exitCode()).as(pods.stderr()).isZero();
            assertThat(pods.stdout()).contains("web");
          }
        }
      }
    }
  }

  @Test
  void aDrainingRelayLetsTheStreamsUnderWayFinishWhileNewRequestsGoToTheNext() throws Exception {
    try (KpamWorld world = KpamWorld.startWithStandaloneRelay(dir, b -> b)) {
      StandaloneRelay first = world.standaloneRelay();
      try (StandaloneRelay second = secondRelayAnnounced(world)) {
        Path kubeconfig = dir.resolve("kubeconfig");
        try (AccessSession access = world.access("10m", kubeconfig)) {
          Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
          Kubectl.Result before = kubectl.run("get", "pods");
          assertThat(before.exitCode()).as(before.stderr()).isZero();
          Processes.Running watch = Processes.Running.of(kubectl.start("get", "pods", "--watch"));
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> watch.out().toString().contains("web"));
          // The watch and the local proxy's idle keep-alive connections, all through the first.
          assertThat(first.clientConnections()).isGreaterThan(1);

          CompletableFuture<Boolean> drained =
              CompletableFuture.supplyAsync(() -> first.drain(Duration.ofSeconds(60)));
          await().atMost(Duration.ofSeconds(10)).until(() -> !first.readiness().ready());
          // The gateway closes the idle connections of the draining relay; the watch stays.
          await().atMost(Duration.ofSeconds(10)).until(() -> first.clientConnections() == 1);
          Kubectl.Result during = kubectl.run("get", "pods");
          assertThat(during.exitCode()).as(during.stderr()).isZero();
          assertThat(second.clientConnections()).isPositive();
          world.kube.addPod("default", "web-2");
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> watch.out().toString().contains("web-2"));
          assertThat(drained).isNotDone();

          Processes.destroy(watch.process()); // the last connection through the first relay ends
          assertThat(drained.get(30, TimeUnit.SECONDS)).as("ended before its bound").isTrue();
          first.close();
          Kubectl.Result after = kubectl.run("get", "pods");
          assertThat(after.exitCode()).as(after.stderr()).isZero();
        }
      }
    }
  }

  /**
   * A second relay, announced after the world's own, once the gateway has a tunnel to it; the
   * caller closes it.
   */
  private StandaloneRelay secondRelayAnnounced(KpamWorld world) throws Exception {
    int port = KpamWorld.freePort();
    StandaloneRelay second = world.startRelay("edge-2", dir.resolve("relay-2"), port);
    try {
      world.restartAnnouncing(
          List.of("127.0.0.1:" + world.standaloneRelay().port(), "127.0.0.1:" + port));
      await()
          .atMost(Duration.ofSeconds(40))
          .until(() -> second.connectedGateways().containsKey(world.gatewayId));
      return second;
    } catch (RuntimeException | Error e) {
      second.close();
      throw e;
    }
  }
}
