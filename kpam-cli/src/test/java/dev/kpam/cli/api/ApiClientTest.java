package dev.kpam.cli.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.kpam.protocol.users.UserView;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiClientTest {
  private HttpServer server;
  private String url;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/v1/users",
        exchange -> {
          requests.add(
              exchange.getRequestURI()
                  + " "
                  + exchange.getRequestHeaders().getFirst("Authorization"));
          int offset =
              Integer.parseInt(exchange.getRequestURI().getQuery().replaceAll(".*offset=", ""));
          String body =
              offset == 0
                  ? "{\"items\":["
                      + String.join(",", java.util.Collections.nCopies(1000, user()))
                      + "]}"
                  : "{\"items\":[" + user() + "],\"later\":true}";
          reply(exchange, 200, body);
        });
    server.createContext(
        "/api/v1/gateways",
        exchange -> reply(exchange, 403, "{\"code\":\"forbidden\",\"message\":\"admins only\"}"));
    server.createContext(
        "/api/v1/whoami",
        exchange ->
            reply(exchange, 401, "{\"code\":\"unauthenticated\",\"message\":\"token revoked\"}"));
    server.createContext("/broken", exchange -> reply(exchange, 502, "<html>bad gateway</html>"));
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void listsAreFetchedPageByPageWithTheToken() {
    ApiClient api = ApiClient.loggedIn(new SavedLogin(url + "/", "alice", "kpam_t", null));

    List<UserView> users = api.list("/api/v1/users", Query.empty(), UserView.class, 5000);

    assertThat(users).hasSize(1001);
    assertThat(users.get(0).createdAt()).hasToString("2026-11-28T12:00:00Z");
    assertThat(requests)
        .containsExactly(
            "/api/v1/users?limit=1000&offset=0 Bearer kpam_t",
            "/api/v1/users?limit=1000&offset=1000 Bearer kpam_t");
  }

  @Test
  void errorBodiesBecomeApiExceptions() {
    ApiClient api = ApiClient.loggedIn(new SavedLogin(url, "bob", "kpam_t", null));

    assertThatThrownBy(() -> api.get("/api/v1/gateways", Object.class))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(403);
              assertThat(e.code()).isEqualTo("forbidden");
              assertThat(e.getMessage()).isEqualTo("admins only");
            });
  }

  @Test
  void aRejectedSavedTokenSaysHowToLogInAgain() {
    ApiClient api = ApiClient.loggedIn(new SavedLogin(url, "bob", "kpam_t", null));

    assertThatThrownBy(() -> api.get("/api/v1/whoami", Object.class))
        .hasMessage(
            "your login has expired or was revoked; run: kpam login --server "
                + url
                + " --user bob");
  }

  @Test
  void anAnswerWithoutAnErrorBodyNamesTheStatus() {
    ApiClient api = ApiClient.anonymous(url);

    assertThatThrownBy(() -> api.get("/broken", Object.class))
        .hasMessage("the kpam server answered HTTP 502 without details");
  }

  private static String user() {
    return "{\"id\":\"u1\",\"name\":\"alice\",\"role\":\"admin\",\"disabled\":false,"
        + "\"createdAt\":\"2026-11-28T12:00:00Z\",\"newField\":1}";
  }

  private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
