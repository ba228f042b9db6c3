package dev.kpam.gateway.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.kpam.protocol.ApiError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The gateway's side of the REST API (docs/API.md, "Gateway-facing"): JSON over {@link HttpClient}
 * with the gateway credential. Calls run on the HTTP client's own threads, never on a Netty event
 * loop; callers hand results back to their loop. The credential is never logged.
 *
 * <pre>{@code
 * ControlPlaneClient api = new ControlPlaneClient(URI.create("https://kpam:8443"), http, () -> credential);
 * api.post("/api/v1/gateway/heartbeat", heartbeat, Void.class).join();
 * }</pre>
 */
public final class ControlPlaneClient {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI server;
  private final HttpClient http;
  private final Supplier<String> credential;
  private final ObjectMapper json = objectMapper();

  public ControlPlaneClient(URI server, HttpClient http, Supplier<String> credential) {
    this.server = Objects.requireNonNull(server, "server");
    this.http = Objects.requireNonNull(http, "http");
    this.credential = Objects.requireNonNull(credential, "credential");
  }

  public static ObjectMapper objectMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  ObjectMapper json() {
    return json;
  }

  HttpClient http() {
    return http;
  }

  /** POSTs {@code body} as JSON; completes with the answer ({@code null} for 204 or Void). */
  public <T> CompletableFuture<T> post(String path, Object body, Class<T> type) {
    return postJson(path, bytes(body), type);
  }

  /** As {@link #post}, with a body that is JSON already. */
  public <T> CompletableFuture<T> postJson(String path, byte[] json, Class<T> type) {
    HttpRequest request =
        authorized(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> decode(request, response, type));
  }

  /** A GET whose answer the caller interprets (status and body). */
  CompletableFuture<HttpResponse<String>> get(String path) {
    return http.sendAsync(authorized(path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder authorized(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(server.resolve(path)).timeout(TIMEOUT);
    String token = credential.get();
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  URI uri(String path) {
    return server.resolve(path);
  }

  String bearer() {
    return "Bearer " + credential.get();
  }

  <T> T decode(HttpRequest request, HttpResponse<String> response, Class<T> type) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      if (type == Void.class || status == 204 || response.body().isEmpty()) {
        return null;
      }
      return read(response.body(), type);
    }
    ApiError error = apiError(response);
    throw new ControlPlaneException(
        status,
        error.code(),
        request.method() + " " + request.uri().getPath() + ": " + status + " " + error.message());
  }

  ApiError apiError(HttpResponse<String> response) {
    try {
      ApiError error = json.readValue(response.body(), ApiError.class);
      return error.code() == null ? new ApiError("unknown", response.body()) : error;
    } catch (IOException e) {
      return new ApiError("unknown", "status " + response.statusCode());
    }
  }

  <T> T read(String body, Class<T> type) {
    try {
      return json.readValue(body, type);
    } catch (IOException e) {
      throw new UncheckedIOException("unexpected answer of the kpam server: " + e.getMessage(), e);
    }
  }

  private byte[] bytes(Object body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
