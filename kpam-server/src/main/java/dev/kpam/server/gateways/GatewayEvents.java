package dev.kpam.server.gateways;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.protocol.gateways.GatewayEvent;
import dev.kpam.server.db.Database;
import dev.kpam.server.db.Millis;
import io.javalin.http.sse.SseClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push channel to gateways (session ended, terminated, expired; resource changed). Events are
 * written to the {@code gateway_events} table in the same transaction as the change that causes
 * them, and one thread streams new rows to connected gateways as server-sent events, so every
 * server replica delivers what any replica wrote. A reconnecting gateway sends {@code
 * Last-Event-ID} and gets what it missed.
 *
 * <pre>{@code
 * events.publish(handle, gatewayId, "session.terminated", sessionId, null, "terminated by admin");
 * app.sse("/api/v1/gateway/events", client -> events.subscribe(gateway, client));
 * }</pre>
 */
public final class GatewayEvents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayEvents.class);

  /** Rows of the last seconds are read again: a transaction may commit a lower id late. */
  private static final Duration LATE_COMMIT_WINDOW = Duration.ofSeconds(5);

  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  /** How long events stay for gateways that resume with {@code Last-Event-ID}. */
  public static final Duration KEPT = Duration.ofDays(1);

  private final Database db;
  private final Clock clock;
  private final ObjectMapper json;
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final Semaphore wake = new Semaphore(0);
  private final Thread pump;
  private volatile boolean closed;

  public GatewayEvents(Database db, Clock clock, ObjectMapper json) {
    this.db = db;
    this.clock = clock;
    this.json = json;
    this.pump = new Thread(this::pumpLoop, "kpam-gateway-events");
    this.pump.setDaemon(true);
    this.pump.start();
  }

  /**
   * Deletes the events older than {@link #KEPT} (a gateway away longer resumes from the newest);
   * any replica may run it, a second run finds nothing. The number deleted.
   */
  public int prune() {
    long before = clock.millis() - KEPT.toMillis();
    return db.jdbi()
        .withHandle(
            h ->
                h.createUpdate("DELETE FROM gateway_events WHERE event_time < :t")
                    .bind("t", before)
                    .execute());
  }

  /** Writes an event inside the caller's transaction; delivered once it commits. */
  public void publish(
      Handle handle,
      String gatewayId,
      String type,
      String sessionId,
      String resource,
      String reason) {
    handle
        .createUpdate(
            "INSERT INTO gateway_events (gateway_id, type, session_id, resource, reason, event_time)"
                + " VALUES (:g, :type, :s, :r, :reason, :t)")
        .bind("g", gatewayId)
        .bind("type", type)
        .bind("s", sessionId)
        .bind("r", resource)
        .bind("reason", reason)
        .bind("t", clock.millis())
        .execute();
  }

  /** Wakes the pump after a commit so that delivery does not wait for the next poll. */
  public void committed() {
    wake.release();
  }

  /** Streams this gateway's events to the client until it disconnects. */
  public void subscribe(GatewayPrincipal gateway, SseClient client, String lastEventId) {
    long after = parseId(lastEventId).orElseGet(this::newestId);
    Subscriber subscriber = new Subscriber(gateway.gatewayId(), client, after);
    client.onClose(() -> subscribers.remove(subscriber));
    client.keepAlive();
    client.sendComment("connected");
    subscribers.add(subscriber);
    wake.release();
  }

  private static Optional<Long> parseId(String text) {
    try {
      return text == null || text.isBlank()
          ? Optional.empty()
          : Optional.of(Long.parseLong(text.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private long newestId() {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT COALESCE(MAX(id), 0) FROM gateway_events")
                    .mapTo(Long.class)
                    .one());
  }

  private void pumpLoop() {
    long lastKeepAlive = System.nanoTime();
    while (!closed) {
      try {
        wake.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
        if (subscribers.isEmpty()) {
          continue;
        }
        deliver();
        if (System.nanoTime() - lastKeepAlive > KEEP_ALIVE.toNanos()) {
          subscribers.forEach(s -> s.client.sendComment("keep-alive"));
          lastKeepAlive = System.nanoTime();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        log.warn("cannot deliver gateway events: {}", e.toString());
      }
    }
  }

  private void deliver() {
    long from = subscribers.stream().mapToLong(s -> s.cursor).min().orElse(0);
    long recent = clock.millis() - LATE_COMMIT_WINDOW.toMillis();
    List<GatewayRow> rows =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT * FROM gateway_events WHERE id > :from OR event_time > :recent"
                                + " ORDER BY id")
                        .bind("from", from)
                        .bind("recent", recent)
                        .map(
                            (rs, c) ->
                                new GatewayRow(
                                    rs.getString("gateway_id"),
                                    new GatewayEvent(
                                        rs.getLong("id"),
                                        rs.getString("type"),
                                        rs.getString("session_id"),
                                        rs.getString("resource"),
                                        rs.getString("reason"),
                                        Millis.instant(rs.getLong("event_time")))))
                        .list());
    long newest = rows.stream().mapToLong(row -> row.event.id()).max().orElse(from);
    for (Subscriber subscriber : subscribers) {
      for (GatewayRow row : rows) {
        if (row.gatewayId.equals(subscriber.gatewayId)) {
          subscriber.offer(row.event);
        }
      }
      subscriber.cursor = Math.max(subscriber.cursor, newest);
    }
  }

  private record GatewayRow(String gatewayId, GatewayEvent event) {}

  private final class Subscriber {
    private static final int REMEMBERED = 1000;
    final String gatewayId;
    final SseClient client;

    /** Events up to here happened before this subscription (or were already sent). */
    private final long startId;

    /** Where the next read may start; rows of other gateways move it too. */
    volatile long cursor;

    private final Set<Long> delivered = new LinkedHashSet<>();

    Subscriber(String gatewayId, SseClient client, long startId) {
      this.gatewayId = gatewayId;
      this.client = client;
      this.startId = startId;
      this.cursor = startId;
    }

    /** Sends an event once, however often the late-commit window reads it again. */
    void offer(GatewayEvent event) {
      if (event.id() <= startId || !delivered.add(event.id())) {
        return;
      }
      if (delivered.size() > REMEMBERED) {
        Iterator<Long> oldest = delivered.iterator();
        oldest.next();
        oldest.remove();
      }
      try {
        client.sendEvent(event.type(), json.writeValueAsString(event), Long.toString(event.id()));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    pump.interrupt();
    try {
      pump.join(Duration.ofSeconds(2).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    subscribers.forEach(s -> s.client.close());
    subscribers.clear();
  }
}
