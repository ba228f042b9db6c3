package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kpam.server.notify.WebhookSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Notifications reach a real HTTP receiver on loopback: signed, retried after a failure with the
 * same delivery id, in kpam's JSON or Slack's shape, and a slow receiver never slows the change
 * that caused them.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class NotificationsTest {
  private static final byte[] SECRET =
      "a-webhook-secret-of-32-bytes-len".getBytes(StandardCharsets.UTF_8);

  private final Backend backend;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<Integer> answers = new LinkedBlockingQueue<>();
  private HttpServer receiver;
  private TestServer server;

  NotificationsTest(Backend backend) {
    this.backend = backend;
  }

  private record Received(Map<String, String> headers, byte[] body) {}

  private TestServer start(String format) throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          Map<String, String> headers = new java.util.HashMap<>();
          exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
          received.add(new Received(headers, body));
          Integer status = answers.poll();
          if (status != null && status < 0) {
            sleep(3_000); // a slow receiver
            status = 200;
          }
          exchange.sendResponseHeaders(status == null ? 200 : status, -1);
          exchange.close();
        });
    receiver.start();
    URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    server = TestServer.start(backend, b -> b.webhook(new WebhookSettings(url, SECRET, format)));
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
    if (receiver != null) receiver.stop(0);
  }

  @Test
  void aTerminationIsPostedSignedAndRetriedAfterAFailureWithTheSameDeliveryId() throws Exception {
    start("json");
    answers.add(503);
    String session = Fixtures.openSession(server.admin, "prod", "admin", "1h");

    server
        .admin
        .post("/api/v1/sessions/" + session + "/terminate", Map.of("reason", "incident 42"))
        .expect(200);

    Received first = received.poll(10, TimeUnit.SECONDS);
    assertThat(first).as("first attempt").isNotNull();
    // The retry is due 1 s after the failure was noted, by the server's clock.
    Received second = null;
    for (int i = 0; i < 20 && second == null; i++) {
      server.clock.advance(Duration.ofSeconds(2));
      second = received.poll(500, TimeUnit.MILLISECONDS);
    }
    assertThat(second).as("retry after the 503").isNotNull();

    assertThat(second.headers().get("x-kpam-delivery"))
        .isEqualTo(first.headers().get("x-kpam-delivery"));
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(first.headers().get("x-kpam-event")).isEqualTo("session.terminated");
    assertThat(first.headers().get("x-kpam-signature")).isEqualTo("sha256=" + hmac(first.body()));
    JsonNode event = new ObjectMapper().readTree(first.body());
    assertThat(event.get("type").asText()).isEqualTo("session.terminated");
    assertThat(event.get("session").asText()).isEqualTo(session);
    assertThat(event.get("account").asText()).isEqualTo("prod/admin");
    assertThat(event.get("by").asText()).isEqualTo("admin");
    assertThat(event.get("reason").asText()).contains("incident 42");
    server.clock.advance(Duration.ofMinutes(5));
    assertThat(received.poll(2, TimeUnit.SECONDS)).as("delivered once it got a 2xx").isNull();
  }

  @Test
  void aSlowReceiverNeverSlowsTheTerminationAndSlackGetsOneLine() throws Exception {
    start("slack");
    answers.add(-1);
    String session = Fixtures.openSession(server.admin, "prod", "admin", "1h");

    long started = System.nanoTime();
    server
        .admin
        .post("/api/v1/sessions/" + session + "/terminate", Map.of("reason", "rotating keys"))
        .expect(200);
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    Received posted = received.poll(10, TimeUnit.SECONDS);
    assertThat(posted).isNotNull();
    assertThat(tookMillis).as("terminate waited for the receiver").isLessThan(2_500);
    JsonNode body = new ObjectMapper().readTree(posted.body());
    assertThat(body.get("text").asText())
        .startsWith(
            "kpam: session " + session + " of admin on prod/admin was terminated by admin: ")
        .contains("rotating keys");
    assertThat(posted.headers().get("x-kpam-signature")).isEqualTo("sha256=" + hmac(posted.body()));
  }

  @Test
  void anAccountsOwnWebhookGetsItsBreakGlassSignedAndShowsOnlyItsHost() throws Exception {
    start("json");
    server.close();
    // A secret without a server webhook: only accounts' webhooks get notifications.
    server = TestServer.start(backend, b -> b.webhook(new WebhookSettings(null, SECRET, "json")));
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook/T0KEN/secret-part";
    JsonNode access =
        server
            .admin
            .patch(
                "/api/v1/resources/prod/accounts/admin",
                Map.of(
                    "access",
                    Map.of("breakGlass", true, "webhookUrl", hook, "webhookFormat", "slack")))
            .expect(200)
            .json()
            .get("access");
    assertThat(access.get("webhookUrl").asText())
        .isEqualTo("http://127.0.0.1:" + receiver.getAddress().getPort() + "/…");
    assertThat(server.admin.get("/api/v1/audit").body()).doesNotContain("T0KEN");

    server
        .admin
        .post(
            "/api/v1/sessions",
            Map.of(
                "resource",
                "prod",
                "account",
                "admin",
                "csr",
                Fixtures.csr(),
                "breakGlass",
                true,
                "reason",
                "prod is down",
                "duration",
                "10m"))
        .expect(201);

    Received posted = received.poll(10, TimeUnit.SECONDS);
    assertThat(posted).as("the account's webhook got the break-glass").isNotNull();
    assertThat(posted.headers().get("x-kpam-event")).isEqualTo("break-glass.used");
    assertThat(posted.headers().get("x-kpam-signature")).isEqualTo("sha256=" + hmac(posted.body()));
    assertThat(new ObjectMapper().readTree(posted.body()).get("text").asText())
        .startsWith("kpam: BREAK-GLASS: admin opened prod/admin for 10m without approval");
    assertThat(received.poll(2, TimeUnit.SECONDS)).as("once, to the account only").isNull();
  }

  @Test
  void anAccountWebhookNeedsTheServersSecretAndItsUrlIsNeverEchoed() throws Exception {
    server = TestServer.start(backend);
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    String message =
        server
            .admin
            .patch(
                "/api/v1/resources/prod/accounts/admin",
                Map.of("access", Map.of("webhookUrl", "https://hooks.example.com/services/T0KEN")))
            .expectError(400, "invalid_argument")
            .message();
    assertThat(message)
        .startsWith("access.webhookUrl: set while the server has no webhook secret (expected:")
        .doesNotContain("T0KEN");
    assertThat(
            server
                .admin
                .patch(
                    "/api/v1/resources/prod/accounts/admin",
                    Map.of("access", Map.of("webhookUrl", "ftp://T0KEN@host/")))
                .expectError(400, "invalid_argument")
                .message())
        .isEqualTo("access.webhookUrl: not an http(s) URL (expected: an http or https URL)");
  }

  private static String hmac(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
