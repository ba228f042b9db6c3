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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relays learnt after enrollment (issue 15): the server's heartbeat answer names the relays it
 * announces; a gateway dials a relay added later, keeps tunnels to all of them, closes the tunnel
 * to one retired, remembers the list for its next start, and kubectl works through the new relay; a
 * session's connections move to the next announced relay when the first stops.
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
      String first = "127.0.0.1:" + world.standaloneRelay().port();
      int port = KpamWorld.freePort();
      try (StandaloneRelay second = world.startRelay("edge-2", dir.resolve("relay-2"), port)) {
        world.restartAnnouncing(List.of(first, "127.0.0.1:" + port));
        await()
            .atMost(Duration.ofSeconds(40))
            .until(() -> second.connectedGateways().containsKey(world.gatewayId));
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
}
