package dev.kpam.gateway.control;

import dev.kpam.protocol.gateways.GatewayEvent;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the server's push stream {@code GET /api/v1/gateway/events} (server-sent events, one
 * {@link GatewayEvent} as JSON per event) on a thread of its own, reconnecting with jittered
 * backoff (0.5 s doubling to 30 s) and {@code Last-Event-ID} so that nothing is missed.
 *
 * <pre>{@code
 * GatewayEventStream events = GatewayEventStream.start(api, event -> handle(event));
 * events.close();
 * }</pre>
 */
public final class GatewayEventStream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayEventStream.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final ControlPlaneClient api;
  private final Consumer<GatewayEvent> handler;
  private final Thread thread;
  private final Object lock = new Object();
  private volatile boolean closed;
  private volatile Stream<String> current;
  private volatile boolean connected;
  private String lastEventId;

  private GatewayEventStream(ControlPlaneClient api, Consumer<GatewayEvent> handler) {
    this.api = api;
    this.handler = handler;
    this.thread = new Thread(this::run, "kpam-gateway-events");
    this.thread.setDaemon(true);
  }

  public static GatewayEventStream start(ControlPlaneClient api, Consumer<GatewayEvent> handler) {
    GatewayEventStream stream = new GatewayEventStream(api, handler);
    stream.thread.start();
    return stream;
  }

  /** Whether the stream is connected right now. */
  public boolean isConnected() {
    return connected;
  }

  private void run() {
    Duration backoff = FIRST_BACKOFF;
    while (!closed) {
      try {
        if (follow()) {
          backoff = FIRST_BACKOFF;
        }
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          log.warn(
              "the server's push stream (terminations, ends) was lost: {}; connecting again",
              e.toString());
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        connected = false;
      }
      if (closed) {
        return;
      }
      long jittered =
          (long) (backoff.toMillis() * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
      synchronized (lock) {
        try {
          lock.wait(jittered);
        } catch (InterruptedException e) {
          return;
        }
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  /** One connection; true if it was established. */
  private boolean follow() throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(api.uri("/api/v1/gateway/events"))
            .header("Accept", "text/event-stream")
            .header("Authorization", api.bearer())
            .GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> response =
        api.http().send(request.build(), HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      response.body().close();
      log.warn(
          "the server refused the push stream (status {}); trying again", response.statusCode());
      return false;
    }
    try (Stream<String> lines = response.body()) {
      current = lines;
      if (closed) {
        return true;
      }
      connected = true;
      SseParser parser = new SseParser();
      lines.forEach(
          line -> {
            SseParser.Event event = parser.line(line);
            if (event != null) {
              dispatch(event);
            }
          });
    }
    return true;
  }

  private void dispatch(SseParser.Event event) {
    if (event.data() == null || event.data().isEmpty()) {
      return;
    }
    try {
      GatewayEvent parsed = api.json().readValue(event.data(), GatewayEvent.class);
      lastEventId = event.id() != null ? event.id() : Long.toString(parsed.id());
      handler.accept(parsed);
    } catch (IOException | RuntimeException e) {
      log.warn("cannot handle gateway event {}: {}", event.id(), e.toString());
    }
  }

  /** Stops following; waits at most 2 s for the thread. Idempotent. */
  @Override
  public void close() {
    closed = true;
    Stream<String> lines = current;
    if (lines != null) {
      lines.close();
    }
    synchronized (lock) {
      lock.notifyAll();
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(2).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
