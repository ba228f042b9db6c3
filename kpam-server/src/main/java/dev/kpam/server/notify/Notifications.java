package dev.kpam.server.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.server.db.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's notifications to its webhook, and to an account's own webhook where it has one:
 * {@link #enqueue} writes an outbox row per receiver in the caller's transaction; a loop on the
 * server's scheduler posts due rows (at least once; the receiver dedups by {@code
 * X-Kpam-Delivery}), signed with HMAC-SHA256, retrying failures with backoff from 1 s doubling to
 * 10 min, for at most {@link #MAX_ATTEMPTS} attempts. Nothing a user does ever waits on the
 * receiver. Replicas share the outbox: a replica takes a due row by moving its {@code
 * next_attempt_at} past the delivery's time-out with a conditional update (a lease), so that one
 * replica posts it; a replica that dies while posting leaves the row to be taken again after the
 * lease (at least once, never twice at the same time).
 *
 * <pre>{@code
 * notifications.enqueue(h, "session.terminated", Map.of("session", id, "reason", why));
 * notifications.start(scheduler);
 * }</pre>
 */
public final class Notifications {
  static final int MAX_ATTEMPTS = 20;
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int BATCH = 50;
  private static final Logger log = LoggerFactory.getLogger(Notifications.class);

  private final Database db;
  private final WebhookSettings settings;
  private final Clock clock;
  private final ObjectMapper json;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  public Notifications(Database db, WebhookSettings settings, Clock clock, ObjectMapper json) {
    this.db = db;
    this.settings = settings;
    this.clock = clock;
    this.json = json;
  }

  /** Another receiver of some notifications (an account's webhook), in its own format. */
  public record Target(URI url, String format) {}

  /**
   * Queues {@code type} with {@code data} for the server's webhook, in the transaction of what it
   * tells.
   */
  public void enqueue(Handle h, String type, Map<String, Object> data) {
    enqueue(h, type, data, null);
  }

  /**
   * Queues {@code type} with {@code data} for the server's webhook and for {@code also} (null:
   * none), in the transaction of what it tells.
   */
  public void enqueue(Handle h, String type, Map<String, Object> data, Target also) {
    boolean toAccount = also != null && settings.signs();
    if (!settings.enabled() && !toAccount) {
      return;
    }
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", type);
    event.put("time", clock.instant().toString());
    event.putAll(data);
    String payload;
    try {
      payload = json.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    if (settings.enabled()) {
      insert(h, type, payload, null);
    }
    if (toAccount) {
      insert(h, type, payload, also);
    }
  }

  private void insert(Handle h, String type, String payload, Target target) {
    h.createUpdate(
            "INSERT INTO notifications (event_type, payload, created_at, attempts,"
                + " next_attempt_at, target_url, target_format) VALUES (:type, :payload, :t, 0,"
                + " :t, :url, :format)")
        .bind("type", type)
        .bind("payload", payload)
        .bind("t", clock.millis())
        .bind("url", target == null ? null : target.url().toString())
        .bind("format", target == null ? null : target.format())
        .execute();
  }

  /** Delivers due notifications every second on {@code scheduler} (not on its only thread). */
  public void start(ScheduledExecutorService scheduler) {
    if (settings.signs()) {
      scheduler.scheduleWithFixedDelay(this::deliverDue, 1, 1, TimeUnit.SECONDS);
    }
  }

  /** How long a replica holds a notification it is posting: past the post's time-out. */
  private static final Duration LEASE = TIMEOUT.multipliedBy(3);

  private record Due(
      long id, String type, String payload, int attempts, URI url, String format, long nextAt) {}

  /** One round: posts what is due, one by one; never throws (the scheduler would stop). */
  void deliverDue() {
    try {
      List<Due> due =
          db.jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT id, event_type, payload, attempts, target_url, target_format,"
                                  + " next_attempt_at FROM notifications"
                                  + " WHERE delivered_at IS NULL AND given_up_at IS NULL"
                                  + " AND next_attempt_at <= :now ORDER BY id LIMIT :n")
                          .bind("now", clock.millis())
                          .bind("n", BATCH)
                          .map(
                              (rs, c) ->
                                  new Due(
                                      rs.getLong("id"),
                                      rs.getString("event_type"),
                                      rs.getString("payload"),
                                      rs.getInt("attempts"),
                                      rs.getString("target_url") == null
                                          ? settings.url()
                                          : URI.create(rs.getString("target_url")),
                                      rs.getString("target_format") == null
                                          ? settings.format()
                                          : rs.getString("target_format"),
                                      rs.getLong("next_attempt_at")))
                          .list());
      for (Due notification : due) {
        if (take(notification)) {
          deliver(notification);
        }
      }
    } catch (RuntimeException e) {
      log.warn("cannot deliver notifications: {}", e.toString());
    }
  }

  /** Leases {@code notification} to this replica; false when another one took it first. */
  private boolean take(Due notification) {
    return db.jdbi()
            .withHandle(
                h ->
                    h.createUpdate(
                            "UPDATE notifications SET next_attempt_at = :lease WHERE id = :id"
                                + " AND next_attempt_at = :seen AND delivered_at IS NULL"
                                + " AND given_up_at IS NULL")
                        .bind("lease", clock.millis() + LEASE.toMillis())
                        .bind("id", notification.id())
                        .bind("seen", notification.nextAt())
                        .execute())
        == 1;
  }

  private void deliver(Due notification) {
    String error;
    try {
      byte[] body = body(notification).getBytes(StandardCharsets.UTF_8);
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(notification.url())
                  .timeout(TIMEOUT)
                  .header("Content-Type", "application/json")
                  .header("User-Agent", "kpam-server")
                  .header("X-Kpam-Event", notification.type())
                  .header("X-Kpam-Delivery", Long.toString(notification.id()))
                  .header("X-Kpam-Signature", "sha256=" + sign(body))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 == 2) {
        mark("delivered_at = :t, attempts = attempts + 1", notification, null);
        return;
      }
      error = "HTTP " + response.statusCode();
    } catch (IOException e) {
      error = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    int attempts = notification.attempts() + 1;
    String why = error;
    if (attempts >= MAX_ATTEMPTS) {
      log.warn(
          "giving up notification {} after {} attempts: {}", notification.id(), attempts, error);
      mark("given_up_at = :t, attempts = attempts + 1", notification, error);
    } else {
      long backoff = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(attempts - 1, 20));
      log.info(
          "notification {} not delivered ({}); again in {} ms", notification.id(), error, backoff);
      db.jdbi()
          .useHandle(
              h ->
                  h.createUpdate(
                          "UPDATE notifications SET attempts = attempts + 1, next_attempt_at = :next,"
                              + " last_error = :error WHERE id = :id")
                      .bind("next", clock.millis() + backoff)
                      .bind("error", truncate(why))
                      .bind("id", notification.id())
                      .execute());
    }
  }

  private void mark(String set, Due notification, String error) {
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "UPDATE notifications SET " + set + ", last_error = :error WHERE id = :id")
                    .bind("t", clock.millis())
                    .bind("error", truncate(error))
                    .bind("id", notification.id())
                    .execute());
  }

  /** The body as the receiver gets it: kpam's event, or a Slack-compatible {@code text}. */
  private String body(Due notification) throws JsonProcessingException {
    if (!notification.format().equals("slack")) {
      return notification.payload();
    }
    Map<?, ?> event = json.readValue(notification.payload(), Map.class);
    return json.writeValueAsString(Map.of("text", SlackText.of(event)));
  }

  String sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(settings.secret(), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static String truncate(String text) {
    return text == null || text.length() <= 1000 ? text : text.substring(0, 1000);
  }
}
