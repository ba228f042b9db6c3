package dev.kpam.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kpam.testing.fuzz.FuzzInput;
import dev.kpam.testing.fuzz.FuzzSuite;
import dev.kpam.testing.fuzz.FuzzTarget;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * Fuzz targets of the server's JSON endpoints, against a real {@link KpamServer} on SQLite with a
 * gateway, a resource with an account and an open session: any body on login, session, resource and
 * gateway event uploads is answered with a 2xx, or a 4xx carrying JSON {@code {code, message}};
 * never a 5xx.
 *
 * <pre>{@code
 * try (ApiFuzz api = ApiFuzz.start()) {
 *   api.targets().forEach(target -> new Fuzzer(1).run(target, 1_000, Duration.ofSeconds(5)));
 * }
 * }</pre>
 */
public final class ApiFuzz implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final TestServer server;
  private final String gatewayCredential;
  private final String sessionId;
  private final String csr;

  private ApiFuzz(TestServer server, String gatewayCredential, String sessionId, String csr) {
    this.server = server;
    this.gatewayCredential = gatewayCredential;
    this.sessionId = sessionId;
    this.csr = csr;
  }

  /** A server with a gateway {@code dc1}, a resource {@code prod} with account {@code admin}. */
  public static ApiFuzz start() {
    TestServer server = TestServer.start(Backend.SQLITE);
    try {
      Fixtures.Enrolled gateway = Fixtures.resourceWithAccount(server, "prod", "dc1");
      String session = Fixtures.openSession(server.admin, "prod", "admin", "1h");
      return new ApiFuzz(server, gateway.api().token(), session, Fixtures.csr());
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * The targets on a server that stays up until the JVM ends, for a Jazzer run in a child JVM
   * ({@code JazzerRun.of(ApiFuzz.Suite.class)}).
   */
  public static final class Suite implements FuzzSuite {
    @Override
    public List<FuzzTarget> targets() {
      return start().targets();
    }
  }

  public List<FuzzTarget> targets() {
    String events = "/api/v1/gateway/sessions/" + sessionId + "/events";
    return List.of(
        endpoint(
            "api-login",
            "/api/v1/auth/login",
            null,
            json(Map.of("username", "admin", "password", "wrong-password")),
            json(Map.of("username", "", "password", List.of(1)))),
        endpoint(
            "api-sessions",
            "/api/v1/sessions",
            server.admin.token(),
            json(
                Map.of(
                    "resource", "prod",
                    "account", "admin",
                    "duration", "30m",
                    "reason", "fix the thing",
                    "csr", csr)),
            json(Map.of("resource", "prod", "account", "admin", "duration", "PT1H", "csr", "x"))),
        endpoint(
            "api-resources",
            "/api/v1/resources",
            server.admin.token(),
            json(Map.of("name", "r-1", "url", "https://127.0.0.1:6443", "gateway", "dc1")),
            json(Map.of("name", "Bad Name", "url", "ftp://x", "gateway", "nope"))),
        endpoint(
            "api-gateway-events",
            events,
            gatewayCredential,
            json(
                Map.of(
                    "events",
                    List.of(
                        Map.of(
                            "seq",
                            1,
                            "time",
                            "2026-11-28T12:00:00Z",
                            "type",
                            "request",
                            "data",
                            Map.of(
                                "id",
                                "r-1",
                                "method",
                                "GET",
                                "path",
                                "/api/v1/pods",
                                "status",
                                200)),
                        Map.of(
                            "seq",
                            2,
                            "time",
                            "2026-11-28T12:00:01Z",
                            "type",
                            "recording",
                            "data",
                            Map.of(
                                "recordingId",
                                "r-1",
                                "index",
                                0,
                                "lines",
                                List.of("{\"version\":2}")))))),
            json(Map.of("events", List.of(Map.of("seq", -1, "type", "x"))))));
  }

  private static byte[] json(Object body) {
    try {
      return Api.JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private FuzzTarget endpoint(String name, String path, String token, byte[]... seeds) {
    URI uri = server.server.url().resolve(path);
    return FuzzTarget.of(
        name,
        List.of(seeds),
        in -> {
          String contentType = in.pick("application/json", "application/json; charset=utf-8", "");
          // Half the cases keep the body well-formed JSON and change the values' types and sizes.
          boolean structured = in.consumeBoolean();
          byte[] body =
              structured
                  ? Api.JSON.writeValueAsBytes(
                      reshape(Api.JSON.readTree(seeds[in.consumeInt(0, seeds.length - 1)]), in))
                  : in.remainingBytes();
          HttpRequest.Builder request =
              HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
          if (token != null) {
            request.header("Authorization", "Bearer " + token);
          }
          if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
          }
          HttpResponse<String> response =
              HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
          check(response);
        });
  }

  /** {@code node} with some values replaced by others of any type, some fields dropped or added. */
  private static JsonNode reshape(JsonNode node, FuzzInput in) {
    if (node.isObject()) {
      ObjectNode out = Api.JSON.createObjectNode();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        switch (in.consumeInt(0, 7)) {
          case 0 -> {} // dropped
          case 1 -> out.set(field.getKey(), anyValue(in));
          default -> out.set(field.getKey(), reshape(field.getValue(), in));
        }
      }
      if (in.consumeInt(0, 7) == 0) {
        out.set(in.pick("extra", "id", "seq", "__proto__", ""), anyValue(in));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = Api.JSON.createArrayNode();
      for (JsonNode element : node) {
        out.add(reshape(element, in));
        if (in.consumeInt(0, 7) == 0) {
          out.add(in.consumeBoolean() ? reshape(element, in) : anyValue(in));
        }
      }
      return out;
    }
    return in.consumeInt(0, 3) == 0 ? anyValue(in) : node;
  }

  private static JsonNode anyValue(FuzzInput in) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    return switch (in.consumeInt(0, 11)) {
      case 0 -> json.nullNode();
      case 1 -> json.booleanNode(in.consumeBoolean());
      case 2 -> json.numberNode(in.consumeInt(Integer.MIN_VALUE, Integer.MAX_VALUE));
      case 3 -> json.numberNode(Long.MAX_VALUE);
      case 4 -> json.numberNode(new BigDecimal("1e400"));
      case 5 -> json.numberNode(-0.5);
      case 6 -> json.textNode("");
      case 7 -> json.textNode("x".repeat(in.consumeInt(1, 70_000)));
      case 8 -> json.textNode(in.consumeString(64));
      case 9 -> json.arrayNode().add(in.consumeString(8));
      case 10 -> json.objectNode().put("a", in.consumeString(8));
      default ->
          json.textNode(
              in.pick("PT0S", "-1h", "999999h", "P1D", "2026-13-45T99:00:00Z", "\u0000", "💥"));
    };
  }

  private static void check(HttpResponse<String> response) throws IOException {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return;
    }
    if (status < 400 || status >= 500) {
      throw new AssertionError("status " + status + ": " + response.body());
    }
    JsonNode error = Api.JSON.readTree(response.body());
    if (error == null || !error.path("code").isTextual() || !error.path("message").isTextual()) {
      throw new AssertionError("status " + status + " without {code, message}: " + response.body());
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
