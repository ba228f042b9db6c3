package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kpam server} as an operator starts it, {@code kpam.jar} in a process of its own: {@code
 * --log-format json} writes one JSON object per log line, a request's lines carry its {@code
 * requestId} (also answered as {@code X-Request-Id}); {@code --metrics-address} serves the probes
 * and metrics; a wrong format is refused before anything starts.
 */
class ServerProcessOpsTest {
  private static final Pattern LISTENING = Pattern.compile("kpam server listening on (\\S+),");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void jsonLogLinesCarryTheRequestIdAndTheProbesAnswer() throws Exception {
    int metricsPort = KpamWorld.freePort();
    ProcessBuilder builder =
        KpamProcess.builder(
            dir,
            dir.resolve("config"),
            "server",
            "--data-dir",
            dir.resolve("server").toString(),
            "--bind",
            "127.0.0.1",
            "--http-port",
            "0",
            "--relay-port",
            "0",
            "--log-format",
            "json",
            "--metrics-address",
            "127.0.0.1:" + metricsPort);
    builder.environment().put("KPAM_BOOTSTRAP_PASSWORD", "bootstrap-password-for-ops");
    Process server = builder.start();
    try {
      StringBuffer out = Processes.collect(server.getInputStream());
      StringBuffer err = Processes.collect(server.getErrorStream());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> LISTENING.matcher(out).find() || !server.isAlive());
      Matcher url = LISTENING.matcher(out);
      assertThat(url.find()).as(out.toString() + err).isTrue();

      HttpResponse<String> refused =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url.group(1) + "/api/v1/auth/login"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"username\":\"admin\",\"password\":\"not-the-password\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      String requestId = refused.headers().firstValue("X-Request-Id").orElseThrow();

      await().atMost(Duration.ofSeconds(10)).until(() -> err.toString().contains(requestId));
      List<JsonNode> lines = new ArrayList<>();
      for (String line : err.toString().split("\n")) {
        if (!line.isBlank()) {
          lines.add(JSON.readTree(line)); // every line is one JSON object
        }
      }
      JsonNode failed =
          lines.stream()
              .filter(l -> l.path("formattedMessage").asText().contains("auth.login.failed"))
              .findFirst()
              .orElseThrow();
      assertThat(failed.get("level").asText()).isEqualTo("INFO");
      assertThat(failed.get("loggerName").asText()).endsWith("AuditLog");
      assertThat(failed.get("mdc").get("requestId").asText()).isEqualTo(requestId);
      assertThat(err.toString()).doesNotContain("not-the-password");
      assertThat(out.toString()).as("logback's own status lines").doesNotContain("ch.qos.logback");

      HttpResponse<String> ready =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/readyz"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("database answers");
      HttpResponse<String> metrics =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains("kpam_login_failures_total{cause=\"wrong_password\"");
    } finally {
      Processes.destroy(server);
    }

    Process wrong =
        KpamProcess.builder(dir, dir.resolve("config"), "server", "--log-format", "yaml").start();
    StringBuffer wrongErr = Processes.collect(wrong.getErrorStream());
    Processes.collect(wrong.getInputStream());
    assertThat(wrong.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(wrong.exitValue()).isEqualTo(2);
    assertThat(wrongErr.toString()).contains("--log-format: 'yaml' (expected: text or json)");
  }
}
