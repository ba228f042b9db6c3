package dev.kpam.server.siem;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Audit events as JSON lines, one {@code POST} per batch; taken on a 2xx. */
final class HttpSink implements AuditStream.Sink {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI url;
  private final ObjectMapper json;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  HttpSink(URI url, ObjectMapper json) {
    this.url = url;
    this.json = json;
  }

  @Override
  public String name() {
    return "http";
  }

  @Override
  public void send(List<AuditStream.Event> events) throws IOException {
    StringBuilder body = new StringBuilder();
    for (AuditStream.Event event : events) {
      body.append(AuditStream.json(json, event)).append('\n');
    }
    HttpResponse<Void> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(url)
                  .timeout(TIMEOUT)
                  .header("Content-Type", "application/x-ndjson")
                  .header("User-Agent", "kpam-server")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new IOException(url + " answered HTTP " + response.statusCode());
    }
  }

  @Override
  public void close() {}
}
