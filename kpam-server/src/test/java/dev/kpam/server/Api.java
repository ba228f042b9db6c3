package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** A small JSON client of the REST API for tests: real HTTP, no mocks. */
final class Api {
  static final ObjectMapper JSON = KpamServer.objectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final URI base;
  private final String token;

  Api(URI base) {
    this(base, null);
  }

  private Api(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  Api withToken(String bearer) {
    return new Api(base, bearer);
  }

  String token() {
    return token;
  }

  Api login(String user, String password) {
    Response response =
        post("/api/v1/auth/login", Map.of("username", user, "password", password)).expect(200);
    return withToken(response.json().get("token").asText());
  }

  Response get(String path) {
    return send("GET", path, null);
  }

  Response post(String path, Object body) {
    return send("POST", path, body);
  }

  Response patch(String path, Object body) {
    return send("PATCH", path, body);
  }

  Response delete(String path) {
    return send("DELETE", path, null);
  }

  Response send(String method, String path, Object body) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      byte[] bytes =
          body == null
              ? new byte[0]
              : body instanceof String text
                  ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                  : JSON.writeValueAsBytes(body);
      request.header("Content-Type", "application/json");
      request.method(
          method,
          bytes.length == 0
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(bytes));
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A response: status and body, with assertions that show the body when they fail. */
  record Response(int status, String body, java.net.http.HttpHeaders headers) {
    Response expect(int expected) {
      assertThat(status).as("status of response %s", body).isEqualTo(expected);
      return this;
    }

    Response expectError(int expected, String code) {
      expect(expected);
      assertThat(json().get("code").asText()).as("error code in %s", body).isEqualTo(code);
      return this;
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    <T> T as(Class<T> type) {
      try {
        return JSON.readValue(body, type);
      } catch (IOException e) {
        throw new UncheckedIOException("not a " + type.getSimpleName() + ": " + body, e);
      }
    }

    String message() {
      return json().get("message").asText();
    }
  }
}
