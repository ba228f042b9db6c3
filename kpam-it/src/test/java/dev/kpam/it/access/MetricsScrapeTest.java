package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.testing.kube.Kubectl;
import dev.kpam.transport.ops.OpsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics and probes (issue 15), scraped as Prometheus does: the server (with the embedded relay's
 * gauges), the gateway and a standalone relay each serve {@code /metrics}, {@code /livez} and
 * {@code /readyz}; after kubectl worked through a session, the series say so, named as Prometheus
 * names them ({@code _total}, {@code _seconds}, base units), every one with its {@code component}.
 */
class MetricsScrapeTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private static HttpResponse<String> get(OpsServer ops, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the first series named {@code name} whose labels include {@code labels}. */
  private static double value(String scrape, String name, String... labels) {
    Pattern line =
        Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
    Matcher m = line.matcher(scrape);
    while (m.find()) {
      boolean all = true;
      for (String label : labels) {
        all &= m.group(1).contains(label);
      }
      if (all) {
        return Double.parseDouble(m.group(2));
      }
    }
    throw new AssertionError("no series " + name + " with " + String.join(",", labels));
  }

  @Test
  void serverGatewayAndRelayServeTheirMetricsAndProbes() throws Exception {
    try (KpamWorld world = KpamWorld.startWithStandaloneRelay(dir, b -> b);
        OpsServer server =
            OpsServer.start(
                "127.0.0.1", 0, world.plane.server().metrics().process(), world.plane::readiness);
        OpsServer gateway =
            OpsServer.start("127.0.0.1", 0, world.gateway().metrics(), world.gateway()::readiness);
        OpsServer relay =
            OpsServer.start(
                "127.0.0.1",
                0,
                world.standaloneRelay().metrics(),
                world.standaloneRelay()::readiness)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> get(gateway, "/readyz").statusCode() == 200);
      for (OpsServer ops : new OpsServer[] {server, gateway, relay}) {
        assertThat(get(ops, "/livez").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get(ops, "/readyz");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).startsWith("{\"ready\":true");
        assertThat(get(ops, "/nothing").statusCode()).isEqualTo(404);
      }
      try {
        world.call(
            "POST",
            "/api/v1/auth/login",
            null,
            Map.of("username", "admin", "password", "wrong-password-1"));
      } catch (AssertionError refused) {
        // 401: counted as a sign-in failure
      }

      Path kubeconfig = dir.resolve("kubeconfig");
      try (AccessSession access = world.access("10m", kubeconfig)) {
        Kubectl.Result pods = world.kubectl(Kubectl.V1_33, kubeconfig).run("get", "pods");
        assertThat(pods.exitCode()).as(pods.stderr()).isZero();

        HttpResponse<String> scraped = get(server, "/metrics");
        assertThat(scraped.headers().firstValue("Content-Type").orElseThrow())
            .startsWith("text/plain; version=0.0.4");
        String s = scraped.body();
        assertThat(value(s, "kpam_sessions_active", "component=\"server\"")).isEqualTo(1.0);
        assertThat(value(s, "kpam_sessions_started_total")).isGreaterThanOrEqualTo(1.0);
        assertThat(value(s, "kpam_login_failures_total", "cause=\"wrong_password\""))
            .isGreaterThanOrEqualTo(1.0);
        assertThat(
                value(
                    s,
                    "kpam_http_server_requests_seconds_count",
                    "route=\"/api/v1/sessions\"",
                    "method=\"POST\"",
                    "status=\"201\""))
            .isGreaterThanOrEqualTo(1.0);
        assertThat(value(s, "jvm_memory_used_bytes", "component=\"server\"")).isPositive();

        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    value(
                            get(gateway, "/metrics").body(),
                            "kpam_gateway_requests_total",
                            "verb=\"list\"",
                            "code=\"200\"")
                        >= 1.0);
        String g = get(gateway, "/metrics").body();
        assertThat(value(g, "kpam_gateway_tunnels", "component=\"gateway\"")).isEqualTo(1.0);
        assertThat(value(g, "kpam_gateway_upstream_duration_seconds_count")).isPositive();
        assertThat(value(g, "kpam_gateway_bytes_total", "direction=\"to_client\"")).isPositive();
        assertThat(value(g, "kpam_gateway_spool_backlog_events")).isGreaterThanOrEqualTo(0.0);
        assertThat(value(g, "kpam_gateway_upload_lag_seconds")).isGreaterThanOrEqualTo(0.0);
        assertThat(value(g, "kpam_gateway_streams_open", "kind=\"exec\"")).isZero();
        assertThat(g).contains("kpam_gateway_upstream_duration_seconds_bucket{");

        String r = get(relay, "/metrics").body();
        assertThat(value(r, "kpam_relay_tunnels", "component=\"relay\"")).isEqualTo(1.0);
        assertThat(value(r, "kpam_relay_gateways")).isEqualTo(1.0);
        assertThat(s + g + r).doesNotContain(KpamWorld.STORED_TOKEN);
      }
    }
  }
}
