package dev.kpam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kpam.cli.api.ConfigStore;
import dev.kpam.cli.api.SavedLogin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kpam relays create|list|delete}: what they send and print, against a stand-in for the
 * relays endpoints (the real server is used in kpam-it's CliAgainstServerTest).
 */
class RelaysCommandsTest {
  private static final String TOKEN = "kpre_one-time-token";
  private static final String RELAY =
      "{\"id\":\"r-1\",\"name\":\"edge\",\"status\":\"pending\",\"addresses\":[],"
          + "\"createdAt\":\"2026-11-28T12:00:00Z\",\"enrolledAt\":null,"
          + "\"certificateExpiresAt\":null}";

  @TempDir Path configDir;
  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startServerAndLogIn() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v1/relays", this::relays);
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    new ConfigStore(configDir)
        .save(new SavedLogin(url, "admin", "kpam_admin", Instant.now().plusSeconds(3600)));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void relays(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(
        exchange.getRequestMethod()
            + " "
            + exchange.getRequestURI()
            + " "
            + exchange.getRequestHeaders().getFirst("Authorization")
            + (body.isEmpty() ? "" : " " + body));
    String path = exchange.getRequestURI().getPath();
    switch (exchange.getRequestMethod() + " " + path) {
      case "POST /api/v1/relays" -> {
        if (body.contains("\"taken\"")) {
          reply(
              exchange,
              409,
              "{\"code\":\"already_exists\",\"message\":\"relay 'taken' already exists\"}");
        } else {
          reply(
              exchange,
              201,
              "{\"relay\":"
                  + RELAY
                  + ",\"enrollToken\":\""
                  + TOKEN
                  + "\",\"enrollTokenExpiresAt\":\"2026-11-28T13:00:00Z\",\"command\":\"kpam"
                  + " relay --server http://kpam --enroll-token "
                  + TOKEN
                  + " --name edge\"}");
        }
      }
      case "GET /api/v1/relays" ->
          reply(
              exchange,
              200,
              "{\"items\":["
                  + RELAY
                      .replace("\"pending\"", "\"enrolled\"")
                      .replace("[]", "[\"relay.example.com:7443\",\"10.0.0.9:7443\"]")
                  + "]}");
      case "DELETE /api/v1/relays/edge" -> reply(exchange, 204, "");
      default -> reply(exchange, 404, "{\"code\":\"not_found\",\"message\":\"no route\"}");
    }
  }

  private CliRunner.Result run(String... args) {
    return new CliRunner(configDir, Clock.systemUTC()).run(args);
  }

  @Test
  void createPrintsTheTokenTheCommandAndHowToAnnounceTheRelay() {
    CliRunner.Result result = run("relays", "create", "edge");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(requests)
        .containsExactly("POST /api/v1/relays Bearer kpam_admin {\"name\":\"edge\"}");
    assertThat(result.out())
        .isEqualTo(
            "Relay edge is waiting for enrollment.\n"
                + "Enrollment token (works once, until 2026-11-28T13:00:00Z): "
                + TOKEN
                + "\n"
                + "Start the relay with (add --address HOST:PORT, where gateways and clients reach"
                + " it):\n"
                + "  kpam relay --server http://kpam --enroll-token "
                + TOKEN
                + " --name edge\n"
                + "Then announce it: kpam server --relay-address HOST:PORT [--no-embedded-relay]\n");
  }

  @Test
  void createAsJsonIsTheServersAnswer() throws IOException {
    CliRunner.Result result = run("relays", "create", "edge", "-o", "json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode created = new ObjectMapper().readTree(result.out());
    assertThat(created.get("enrollToken").asText()).isEqualTo(TOKEN);
    assertThat(created.get("relay").get("name").asText()).isEqualTo("edge");
    assertThat(created.get("command").asText()).contains("--enroll-token " + TOKEN);
  }

  @Test
  void listShowsEachRelaysStatusAndAddresses() {
    CliRunner.Result result = run("relays", "list");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .startsWith("NAME  STATUS    ADDRESSES")
        .contains("edge  enrolled  relay.example.com:7443,10.0.0.9:7443");
    assertThat(requests)
        .containsExactly("GET /api/v1/relays?limit=1000&offset=0 Bearer kpam_admin");
  }

  @Test
  void deleteSaysWhatItDid() {
    CliRunner.Result result = run("relays", "delete", "edge");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).isEqualTo("Deleted relay edge.\n");
    assertThat(requests).containsExactly("DELETE /api/v1/relays/edge Bearer kpam_admin");
  }

  @Test
  void theServersRefusalIsPrintedAsAnError() {
    CliRunner.Result result = run("relays", "create", "taken");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: relay 'taken' already exists\n");
  }

  @Test
  void aNameIsRequired() {
    CliRunner.Result result = run("relays", "create");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Missing required parameter: 'NAME'");
    assertThat(requests).isEmpty();
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, status == 204 ? -1 : bytes.length);
    if (status != 204) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }
}
