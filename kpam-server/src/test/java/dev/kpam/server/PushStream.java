package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A gateway's view of the server-sent event stream, line by line. */
final class PushStream implements AutoCloseable {
  final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final CompletableFuture<HttpResponse<Stream<String>>> response;

  PushStream(TestServer server, String credential) {
    HttpRequest request =
        HttpRequest.newBuilder(server.server.url().resolve("/api/v1/gateway/events"))
            .header("Authorization", "Bearer " + credential)
            .header("Accept", "text/event-stream")
            .build();
    response = HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofLines());
    response.thenAccept(r -> new Thread(() -> r.body().forEach(lines::add)).start());
  }

  void awaitConnected() throws InterruptedException {
    assertThat(next(Duration.ofSeconds(5))).isEqualTo(": connected");
  }

  /** The lines of the next event (up to the blank line that ends it). */
  List<String> nextEvent(Duration timeout) throws InterruptedException {
    List<String> event = new java.util.ArrayList<>();
    String line = next(timeout);
    while (line != null && !line.isEmpty()) {
      event.add(line);
      line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    return event;
  }

  String next(Duration timeout) throws InterruptedException {
    String line;
    do {
      line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } while (line != null && line.isEmpty());
    return line;
  }

  @Override
  public void close() {
    response.cancel(true);
  }
}
