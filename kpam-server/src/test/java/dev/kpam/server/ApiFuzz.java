package dev.kpam.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.testing.fuzz.FuzzTarget;
import java.io.IOException;
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
          byte[] body = in.remainingBytes();
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
