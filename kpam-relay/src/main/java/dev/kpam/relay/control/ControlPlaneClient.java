package dev.kpam.relay.control;

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
 * The standalone relay's side of the REST API (docs/API.md, "Relay-facing"): JSON over {@link
 * HttpClient} with the relay credential. Calls run on the HTTP client's own threads, never on a
 * Netty event loop. The credential is never logged.
 *
 * <pre>{@code
 * ControlPlaneClient api = new ControlPlaneClient(URI.create("https://kpam:8443"), http, () -> credential);
 * CertificateResponse renewed = api.post("/api/v1/relay/certificate", request, CertificateResponse.class).join();
 * }</pre>
 */
public final class ControlPlaneClient {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI server;
  private final HttpClient http;
  private final Supplier<String> credential;
  private final ObjectMapper json =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * @param credential the relay credential, or null before enrollment
   */
  public ControlPlaneClient(URI server, HttpClient http, Supplier<String> credential) {
    this.server = Objects.requireNonNull(server, "server");
    this.http = Objects.requireNonNull(http, "http");
    this.credential = Objects.requireNonNull(credential, "credential");
  }

  public URI server() {
    return server;
  }

  /**
   * POSTs {@code body} as JSON; completes with the answer, or with a {@link ControlPlaneException}
   * for an error answer.
   */
  public <T> CompletableFuture<T> post(String path, Object body, Class<T> type) {
    HttpRequest request =
        authorized(path, TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body)))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> decode(request, response, type));
  }

  /** A GET whose answer the caller interprets (status and body). */
  CompletableFuture<HttpResponse<String>> get(String path, Duration timeout) {
    return http.sendAsync(
        authorized(path, timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The {@code ApiError} of an error answer, or one made up from its status. */
  ApiError apiError(HttpResponse<String> response) {
    try {
      ApiError error = json.readValue(response.body(), ApiError.class);
      return error.code() == null
          ? new ApiError("unknown", "status " + response.statusCode())
          : error;
    } catch (IOException e) {
      return new ApiError("unknown", "status " + response.statusCode());
    }
  }

  private HttpRequest.Builder authorized(String path, Duration timeout) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(server.resolve(path)).timeout(timeout);
    String token = credential.get();
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private <T> T decode(HttpRequest request, HttpResponse<String> response, Class<T> type) {
    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      ApiError error = apiError(response);
      throw new ControlPlaneException(
          status,
          error.code(),
          request.method() + " " + request.uri().getPath() + ": " + status + " " + error.message());
    }
    try {
      return json.readValue(response.body(), type);
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
