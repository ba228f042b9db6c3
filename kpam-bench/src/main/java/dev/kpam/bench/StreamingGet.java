package dev.kpam.bench;

import dev.kpam.crypto.pki.KeyStores;
import dev.kpam.crypto.pki.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;

/**
 * GETs over HTTPS/1.1 from one endpoint, with a bearer token, whose body is read as a stream and
 * discarded: the client never holds more than one 64 KiB buffer of it, however large the answer.
 *
 * <pre>{@code
 * StreamingGet kube = new StreamingGet(URI.create("https://127.0.0.1:6443"), token, caPem);
 * StreamingGet.Transfer list = kube.get("/api/v1/namespaces/default/configmaps");
 * }</pre>
 */
final class StreamingGet {
  private static final int BUFFER = 64 * 1024;
  private static final int ERROR_PREFIX = 400;

  /** How one GET went: its status, the bytes of its body and the seconds until the last. */
  record Transfer(int status, long bytes, double seconds, String errorBody) {
    double megabytesPerSecond() {
      return bytes / 1e6 / seconds;
    }
  }

  private final HttpClient http;
  private final URI endpoint;
  private final String token;

  StreamingGet(URI endpoint, String token, String caPem) throws GeneralSecurityException {
    this.endpoint = endpoint;
    this.token = token;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .sslContext(KeyStores.clientTrusting(Pem.parseCertificates(caPem)))
            .build();
  }

  /** GETs {@code path}, counting and dropping its body; the start of the body unless 200. */
  Transfer get(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint.resolve(path))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .GET()
            .build();
    long start = System.nanoTime();
    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    byte[] buffer = new byte[BUFFER];
    long bytes = 0;
    StringBuilder error = new StringBuilder();
    try (InputStream body = response.body()) {
      for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
        if (response.statusCode() != 200 && error.length() < ERROR_PREFIX) {
          error.append(new String(buffer, 0, Math.min(n, ERROR_PREFIX), StandardCharsets.UTF_8));
        }
        bytes += n;
      }
    }
    return new Transfer(
        response.statusCode(), bytes, (System.nanoTime() - start) / 1e9, error.toString());
  }
}
