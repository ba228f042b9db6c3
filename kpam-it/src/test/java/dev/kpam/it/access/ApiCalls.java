package dev.kpam.it.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.testing.kube.FakeKubeApiServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * kpam's REST API at {@code base} (a server or the load balancer in front of replicas), as a script
 * calls it; an answer of 300 or more fails the test with its body.
 */
final class ApiCalls {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final URI base;

  ApiCalls(URI base) {
    this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), base);
  }

  ApiCalls(HttpClient http, URI base) {
    this.http = http;
    this.base = base;
  }

  /** Signs in with a password; the API token. */
  String login(String user, String password) {
    return call("POST", "/api/v1/auth/login", null, Map.of("username", user, "password", password))
        .get("token")
        .asText();
  }

  JsonNode call(String method, String path, String token, Object body) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
      if (token != null) request.header("Authorization", "Bearer " + token);
      request.header("Content-Type", "application/json");
      request.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new AssertionError(
            method + " " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates resource {@code prod} on gateway {@code dc1} for {@code kube}, and its account {@code
   * admin} holding {@code token}, as an admin does.
   */
  void createProdResource(String admin, FakeKubeApiServer kube, String token) {
    call(
        "POST",
        "/api/v1/resources",
        admin,
        Map.of(
            "name",
            "prod",
            "url",
            kube.url().toString(),
            "gateway",
            "dc1",
            "caCert",
            kube.caCertificatePem()));
    call("POST", "/api/v1/resources/prod/accounts", admin, Map.of("name", "admin", "token", token));
  }

  /** A page of the web UI, which must answer 200. */
  String page(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("GET " + path + " answered " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
