package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.testing.TestPostgres;
import dev.kpam.testing.kube.FakeKubeApiServer;
import dev.kpam.testing.kube.Kubectl;
import dev.kpam.testing.kube.RecordedRequest;
import dev.kpam.testing.siem.AuditReceivers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kpam as a company runs it when one server is not enough (issue 15, docs/OPERATIONS.md §1), every
 * part its own process from {@code kpam.jar}: two {@code kpam server} replicas on one PostgreSQL
 * database and root key behind HAProxy, a standalone {@code kpam relay}, two {@code kpam gateway}
 * instances enrolled under one name, and {@code kpam k8s access} with the real kubectl. One server
 * and one gateway instance are killed with SIGKILL mid-session: kubectl goes on working, every
 * request that reached the API server is recorded exactly once (the killed instance's spool is
 * uploaded when it comes back), a termination made on the surviving replica ends the session, the
 * probes and metrics say so, and the SIEM's HTTP collector and syslog receiver got every audit
 * event.
 */
class HighAvailabilityTest {
  private static final Pattern SESSION_ID =
      Pattern.compile("([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

  @TempDir Path dir;
  private KpamProcesses processes;
  private FakeKubeApiServer kube;
  private TestPostgres.Schema schema;
  private AuditReceivers receivers;
  private final AtomicInteger watches = new AtomicInteger();

  @AfterEach
  void stop() throws Exception {
    if (processes != null) processes.close();
    if (receivers != null) receivers.close();
    if (kube != null) kube.close();
    if (schema != null) schema.close();
  }

  @Test
  void killingAServerAndAGatewayInstanceMidSessionLosesNothing() throws Exception {
    schema = TestPostgres.freshSchema();
    kube = FakeKubeApiServer.start(KpamWorld.STORED_TOKEN);
    kube.addPod("default", "web");
    receivers = AuditReceivers.start();
    processes = new KpamProcesses(dir);

    int balancerPort = KpamWorld.freePort();
    int relayPort = KpamWorld.freePort();
    Replica first = new Replica("server-1");
    Replica second = new Replica("server-2");
    URI balancer = URI.create("http://127.0.0.1:" + balancerPort);
    processes.haproxy(
        balancerPort,
        Map.of(first.httpPort, first.metricsPort, second.httpPort, second.metricsPort));
    // The first replica makes the root key; the second starts on the same file and database.
    first.start(balancer, relayPort);
    second.start(balancer, relayPort);
    ApiCalls api = new ApiCalls(balancer);
    String admin = api.login("admin", KpamWorld.ADMIN_PASSWORD);

    int relayMetrics = KpamWorld.freePort();
    String relayToken =
        api.call("POST", "/api/v1/relays", admin, Map.of("name", "edge"))
            .get("enrollToken")
            .asText();
    processes.start(
        "relay",
        Map.of("KPAM_RELAY_ENROLL_TOKEN", relayToken),
        "relay",
        "--server",
        balancer.toString(),
        "--data-dir",
        dir.resolve("relay").toString(),
        "--bind",
        "127.0.0.1",
        "--port",
        Integer.toString(relayPort),
        "--address",
        "127.0.0.1:" + relayPort,
        "--metrics-address",
        "127.0.0.1:" + relayMetrics);
    processes.awaitReady("relay", relayMetrics);

    String firstToken =
        api.call("POST", "/api/v1/gateways", admin, Map.of("name", "dc1"))
            .get("enrollToken")
            .asText();
    GatewayInstance gatewayA = new GatewayInstance("gateway-a");
    gatewayA.start(balancer, firstToken);
    String secondToken =
        api.call("POST", "/api/v1/gateways/dc1/enroll-token", admin, null)
            .get("enrollToken")
            .asText();
    GatewayInstance gatewayB = new GatewayInstance("gateway-b");
    gatewayB.start(balancer, secondToken);
    api.createProdResource(admin, kube, KpamWorld.STORED_TOKEN);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> metric(relayMetrics, "kpam_relay_tunnels") == 2.0);

    Path kubeconfig = dir.resolve("kubeconfig");
    AccessRun access = startAccess(balancer, admin, kubeconfig);
    String sessionId = access.sessionId();

    Kubectl kubectl = new Kubectl(Kubectl.V1_33, kubeconfig, dir.resolve("home"));
    for (int i = 0; i < 4; i++) {
      expectPods(kubectl.run("get", "pods"));
    }
    // A watch is open on one instance (the relay gives each connection to either): that instance
    // is the one to kill.
    WatchRun watch = startWatch(kubectl, gatewayA, gatewayB);
    GatewayInstance serving = watch.holder();
    GatewayInstance survivor = serving == gatewayA ? gatewayB : gatewayA;

    // SIGKILL one replica and the gateway instance with the watch.
    first.kill();
    serving.kill();
    // The watch ends with a Status saying why (an ERROR event the local proxy adds), as a watch the
    // API server cannot go on with does.
    // kubectl shows the Status as the watch's last row.
    watch
        .run()
        .endsSaying(
            () ->
                assertThat(watch.run().out().toString())
                    .containsPattern(
                        "Failure +ServiceUnavailable +the connection to the kpam gateway closed"
                            + " mid-watch"));
    List<Kubectl.Result> failed = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Kubectl.Result pods = kubectl.run("get", "pods");
              if (pods.exitCode() != 0) failed.add(pods);
              return pods.exitCode() == 0;
            });
    for (int i = 0; i < 4; i++) {
      expectPods(kubectl.run("get", "pods"));
    }
    for (Kubectl.Result result : failed) {
      // Whatever kubectl saw while a part was dying is a message a person understands.
      assertThat(result.stderr()).doesNotContain(KpamWorld.STORED_TOKEN).isNotBlank();
    }
    assertThat(api.call("GET", "/api/v1/sessions/" + sessionId, admin, null).get("status").asText())
        .as("the API answers through the surviving replica")
        .isEqualTo("ACTIVE");
    assertThat(api.page("/ui/login")).contains("kpam");
    assertThat(processes.ready(first.metricsPort)).isFalse();
    assertThat(processes.ready(second.metricsPort)).isTrue();
    assertThat(processes.ready(survivor.metricsPort)).isTrue();
    assertThat(processes.ready(relayMetrics)).isTrue();

    // The killed instance comes back from its data dir and uploads what it had spooled.
    serving.restart(balancer);

    new ApiCalls(second.url())
        .call(
            "POST",
            "/api/v1/sessions/" + sessionId + "/terminate",
            admin,
            Map.of("reason", "incident drill"));
    // kubectl is refused (by the gateway's Status, or, once kpam k8s access has seen the
    // termination and stopped its local proxy, at the proxy's closed port), and the session is
    // over everywhere.
    await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.run("get", "pods").exitCode() != 0);
    access
        .run()
        .endsSaying(
            () ->
                assertThat(access.run().printed())
                    .contains("terminated")
                    .contains("incident drill"));
    assertThat(api.call("GET", "/api/v1/sessions/" + sessionId, admin, null).get("status").asText())
        .isEqualTo("TERMINATED");

    // Every request that reached the API server is recorded, once.
    List<String> upstream = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              upstream.clear();
              for (RecordedRequest request : kube.requests()) {
                upstream.add(request.method() + " " + request.uri());
              }
              assertThat(recordedUpstream(api, admin, sessionId))
                  .containsExactlyInAnyOrderElementsOf(upstream);
            });
    assertThat(upstream).hasSizeGreaterThanOrEqualTo(10);

    assertThat(metric(second.metricsPort, "kpam_sessions_ended_total{reason=\"terminated\"}"))
        .isEqualTo(1.0);
    assertThat(metric(second.metricsPort, "kpam_sessions_started_total")).isEqualTo(1.0);
    assertThat(metric(relayMetrics, "kpam_relay_tunnels")).isEqualTo(2.0);

    Set<Long> audit = new HashSet<>();
    api.call("GET", "/api/v1/audit?limit=500", admin, null)
        .get("items")
        .forEach(e -> audit.add(e.get("id").asLong()));
    assertThat(audit).hasSizeGreaterThan(10);
    // At least once: what the killed replica was sending when it died may come twice.
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              assertThat(receivers.httpIds()).containsAll(audit);
              assertThat(receivers.syslogIds()).containsAll(audit);
            });

    // SIGTERM of the instance holding a watch of a new session: it drains. The relay sends it no
    // new connection, so kubectl goes on through the other; its readiness says it stops; the
    // watch runs until the drain timeout, then ends with the Status; the process exits.
    Path secondKubeconfig = dir.resolve("second-kubeconfig");
    startAccess(balancer, admin, secondKubeconfig);
    Kubectl secondKubectl = new Kubectl(Kubectl.V1_33, secondKubeconfig, dir.resolve("home-2"));
    WatchRun drainedWatch = startWatch(secondKubectl, gatewayA, gatewayB);
    GatewayInstance holder = drainedWatch.holder();
    GatewayInstance other = holder == gatewayA ? gatewayB : gatewayA;
    Process stopping = processes.terminate(holder.name);
    await().atMost(Duration.ofSeconds(5)).until(() -> !processes.ready(holder.metricsPort));
    assertThat(stopping.isAlive()).as("draining, not gone").isTrue();
    for (int i = 0; i < 3; i++) {
      expectPods(secondKubectl.run("get", "pods"));
    }
    assertThat(drainedWatch.run().process().isAlive())
        .as("the watch runs on while the instance drains")
        .isTrue();
    assertThat(stopping.waitFor(30, TimeUnit.SECONDS)).isTrue();
    drainedWatch
        .run()
        .endsSaying(
            () ->
                assertThat(drainedWatch.run().out().toString())
                    .contains("Failure")
                    .contains("ServiceUnavailable"));
    assertThat(processes.output(holder.name)).contains("drain timeout (PT5S): ending 1 connection");
    assertThat(processes.ready(other.metricsPort)).isTrue();

    // SIGTERM of the relay: it stops listening and says so, the gateway closes the idle
    // connections it carries, and it stops within its drain timeout (20 s).
    Process relayStopping = processes.terminate("relay");
    await().atMost(Duration.ofSeconds(5)).until(() -> !processes.ready(relayMetrics));
    assertThat(relayStopping.waitFor(30, TimeUnit.SECONDS)).as("the relay stopped").isTrue();
    assertThat(processes.output(other.name))
        .contains("is stopping: the connections it carries close once idle");

    processes.assertNoSecretInLogs(KpamWorld.STORED_TOKEN, admin, relayToken, secondToken);
  }

  /** {@code kpam k8s access} in a process of its own, once it says its session is open. */
  private record AccessRun(Processes.Running run, String sessionId) {}

  private AccessRun startAccess(URI balancer, String admin, Path kubeconfig) throws Exception {
    Processes.Running access =
        Processes.Running.of(
            KpamProcess.access(balancer, dir, "admin", admin, kubeconfig, Map.of()));
    processes.own(access.process());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> access.out().toString().contains("Press Ctrl-C") || !access.process().isAlive());
    if (!access.process().isAlive()) {
      throw new AssertionError("kpam k8s access exited: " + access.printed());
    }
    Matcher id = SESSION_ID.matcher(access.out());
    assertThat(id.find()).as(access.printed()).isTrue();
    return new AccessRun(access, id.group(1));
  }

  /** {@code kubectl get pods --watch}, and the gateway instance the relay gave it to. */
  private record WatchRun(Processes.Running run, GatewayInstance holder) {}

  private WatchRun startWatch(Kubectl kubectl, GatewayInstance a, GatewayInstance b) {
    Processes.Running watch = Processes.Running.of(kubectl.start("get", "pods", "--watch"));
    processes.own(watch.process());
    String open = "kpam_gateway_streams_open{kind=\"watch\"}";
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> metric(a.metricsPort, open) + metric(b.metricsPort, open) == 1.0);
    await().atMost(Duration.ofSeconds(10)).until(() -> watch.out().toString().contains("web"));
    // An event of the watch itself, so that its answer is under way (a watch not yet answered
    // when its instance dies is sent again, to the other instance).
    String added = "watched-" + watches.incrementAndGet();
    kube.addPod("default", added);
    await().atMost(Duration.ofSeconds(30)).until(() -> watch.out().toString().contains(added));
    return new WatchRun(watch, metric(a.metricsPort, open) == 1.0 ? a : b);
  }

  private static void expectPods(Kubectl.Result pods) {
    assertThat(pods.exitCode()).as(pods.stderr()).isZero();
    assertThat(pods.stdout()).contains("web");
  }

  /** The session's recorded requests that went to the API server, as {@code METHOD path?query}. */
  private static List<String> recordedUpstream(ApiCalls api, String admin, String sessionId) {
    List<String> requests = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    api.call(
            "GET", "/api/v1/sessions/" + sessionId + "/events?type=request&limit=1000", admin, null)
        .get("items")
        .forEach(
            e -> {
              JsonNode data = e.get("data");
              assertThat(ids.add(data.get("id").asText())).as("request ids are unique").isTrue();
              String error = data.path("error").asText("");
              // kpam answered none of them itself; the watch open when its instance was killed is
              // closed by that instance's next start (docs/RECORDING.md, request_open).
              if (error.isEmpty() || error.startsWith("the gateway stopped before")) {
                String query = data.path("query").asText("");
                requests.add(
                    data.get("method").asText()
                        + " "
                        + data.get("path").asText()
                        + (query.isEmpty() ? "" : "?" + query));
              }
            });
    return requests;
  }

  private double metric(int port, String series) {
    return processes.metric(port, series);
  }

  /** One {@code kpam server} replica: its ports, started on the shared database and root key. */
  private final class Replica {
    final String name;
    final int httpPort = KpamWorld.freePort();
    final int metricsPort = KpamWorld.freePort();

    Replica(String name) {
      this.name = name;
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + httpPort);
    }

    void start(URI balancer, int relayPort) throws Exception {
      processes.start(
          name,
          Map.of("KPAM_BOOTSTRAP_PASSWORD", KpamWorld.ADMIN_PASSWORD),
          "server",
          "--data-dir",
          dir.resolve(name).toString(),
          "--db-url",
          schema.jdbcUrl(),
          "--root-key-file",
          dir.resolve("root.key").toString(),
          "--bind",
          "127.0.0.1",
          "--http-port",
          Integer.toString(httpPort),
          "--public-url",
          balancer.toString(),
          "--no-embedded-relay",
          "--relay-address",
          "127.0.0.1:" + relayPort,
          "--metrics-address",
          "127.0.0.1:" + metricsPort,
          "--audit-http-url",
          receivers.httpUrl().toString(),
          "--audit-syslog",
          receivers.syslogAddress());
      processes.awaitReady(name, metricsPort);
    }

    void kill() throws InterruptedException {
      processes.kill(name);
    }
  }

  /** One {@code kpam gateway} process of the pool {@code dc1}, with a data dir of its own. */
  private final class GatewayInstance {
    final String name;
    final int metricsPort = KpamWorld.freePort();

    GatewayInstance(String name) {
      this.name = name;
    }

    void start(URI balancer, String enrollToken) throws Exception {
      processes.start(
          name,
          enrollToken == null ? Map.of() : Map.of("KPAM_ENROLL_TOKEN", enrollToken),
          "gateway",
          "--server",
          balancer.toString(),
          "--name",
          "dc1",
          "--data-dir",
          dir.resolve(name).toString(),
          "--metrics-address",
          "127.0.0.1:" + metricsPort,
          "--drain-timeout",
          "5s");
      processes.awaitReady(name, metricsPort);
    }

    void restart(URI balancer) throws Exception {
      start(balancer, null);
    }

    void kill() throws InterruptedException {
      processes.kill(name);
    }
  }

  static {
    assertThat(Files.exists(KpamWorld.KPAM_JAR)).as("kpam.jar is built before kpam-it").isTrue();
  }
}
