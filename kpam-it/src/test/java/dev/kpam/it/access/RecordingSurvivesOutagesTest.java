package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.cli.access.AccessSession;
import dev.kpam.testing.kube.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing of a session's record is lost when the gateway is killed with SIGKILL mid-session or the
 * server is down for a minute: every request the API server saw is at the server exactly once.
 */
class RecordingSurvivesOutagesTest {
  @TempDir Path dir;

  @Test
  void aGatewayKilledMidSessionLosesNoEvent() throws Exception {
    try (KpamWorld world = KpamWorld.start(dir)) {
      world.stopGateway();
      Process gateway = world.startGatewayProcess();
      Path kubeconfig = dir.resolve("crash-kubeconfig");
      AccessSession access = world.access("1h", kubeconfig);
      try {
        Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
        for (int i = 0; i < 3; i++) {
          succeed(kubectl.run("get", "pods", "-n", "default"));
        }
        // Killed while a watch is open: that exchange never ends at this gateway.
        Process watch = kubectl.start("get", "pods", "-n", "default", "-w");
        Processes.collect(watch.getInputStream());
        Processes.collect(watch.getErrorStream());
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> world.kube.requests().stream().anyMatch(r -> r.uri().contains("watch=")));
        Path spool =
            dir.resolve("gateway")
                .resolve("spool")
                .resolve(access.sessionId())
                .resolve("events.jsonl");
        await() // the gateway's writer thread has put the watch on disk (it did, before upstream)
            .atMost(Duration.ofSeconds(10))
            .until(() -> Files.exists(spool) && Files.readString(spool).contains("request_open"));
        world.killGatewayProcess(gateway);
        Processes.destroy(watch);
        gateway = world.startGatewayProcess();
        for (int i = 0; i < 3; i++) {
          succeed(kubectl.run("get", "configmaps", "-n", "default"));
        }

        assertEveryUpstreamRequestRecordedOnce(world, access.sessionId());
      } finally {
        access.close();
        gateway.destroyForcibly();
        gateway.waitFor();
      }
    }
  }

  @Test
  void aServerDownForAMinuteLosesNoEvent() throws Exception {
    try (KpamWorld world = KpamWorld.startWithStandaloneRelay(dir, server -> server)) {
      Path kubeconfig = dir.resolve("outage-kubeconfig");
      AccessSession access = world.access("1h", kubeconfig);
      try {
        Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
        succeed(kubectl.run("get", "pods", "-n", "default"));

        world.stopControlPlane();
        Instant down = Instant.now();
        succeed(kubectl.run("get", "pods", "-n", "default"));
        // A watch that lasts the minute, seeing a pod come while the server is away.
        Process watch =
            kubectl.start("get", "pods", "-n", "default", "-w", "--request-timeout=60s");
        StringBuffer watched = Processes.collect(watch.getInputStream());
        Processes.collect(watch.getErrorStream());
        world.kube.addPod("default", "born-during-the-outage");
        assertThat(watch.waitFor(90, TimeUnit.SECONDS))
            .as("the watch ends at its timeout")
            .isTrue();
        assertThat(watched.toString()).contains("born-during-the-outage");
        succeed(kubectl.run("get", "configmaps", "-n", "default"));
        assertThat(Duration.between(down, Instant.now())).isGreaterThan(Duration.ofMinutes(1));
        world.startControlPlane();

        assertEveryUpstreamRequestRecordedOnce(world, access.sessionId());
      } finally {
        access.close();
      }
    }
  }

  /** Every request the fake API server answered has exactly one `request` event at the server. */
  private static void assertEveryUpstreamRequestRecordedOnce(KpamWorld world, String sessionId) {
    int upstream = world.kube.requests().size();
    List<JsonNode> events = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              events.clear();
              events.addAll(requestEvents(world, sessionId));
              return events.size() >= upstream;
            });
    Set<String> ids = new HashSet<>();
    for (JsonNode event : events) {
      assertThat(ids.add(event.get("data").get("id").asText())).as("once: " + event).isTrue();
    }
    assertThat(events).hasSize(upstream);
    List<Long> seqs = events.stream().map(e -> e.get("seq").asLong()).toList();
    assertThat(seqs).doesNotHaveDuplicates().isSorted();
  }

  private static List<JsonNode> requestEvents(KpamWorld world, String sessionId) {
    List<JsonNode> events = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonNode page =
          world.call(
              "GET",
              "/api/v1/sessions/" + sessionId + "/events?type=request&limit=1000&after=" + after,
              world.adminToken,
              null);
      page.get("items").forEach(events::add);
      if (page.get("items").size() < 1000) {
        return events;
      }
      after = events.get(events.size() - 1).get("seq").asLong();
    }
  }

  private static void succeed(Kubectl.Result result) {
    assertThat(result.exitCode()).as(result.stderr()).isZero();
  }
}
