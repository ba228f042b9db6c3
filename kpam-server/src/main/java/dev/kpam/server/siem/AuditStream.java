package dev.kpam.server.siem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.server.db.Database;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the audit log to a SIEM (docs/OPERATIONS.md §3): every audit event, session ends
 * included, at least once and in order, to each configured sink. Each sink has a persistent cursor
 * (the id of the last event it took), so a restart neither skips nor repeats; a sink that fails
 * keeps its cursor and is tried again each second. Replicas share the cursors: a lease, taken and
 * renewed by a conditional update, says which one delivers. Events are sent once they are {@link
 * #SETTLE} old, so that a transaction that commits a lower id late is not passed by.
 */
public final class AuditStream implements AutoCloseable {
  static final Duration SETTLE = Duration.ofSeconds(5);
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final int BATCH = 500;
  private static final Logger log = LoggerFactory.getLogger(AuditStream.class);

  /** One audit event as sinks send it. */
  public record Event(
      long id,
      Instant time,
      String actor,
      String action,
      String target,
      String sourceAddress,
      String details) {}

  /** Where events go: a batch is taken when {@link #send} returns, refused when it throws. */
  interface Sink extends AutoCloseable {
    String name();

    void send(List<Event> events) throws IOException;

    @Override
    void close();
  }

  private final Database db;
  private final Clock clock;
  private final List<Sink> sinks;
  private final String replica;
  private final Set<String> failing = ConcurrentHashMap.newKeySet();

  AuditStream(Database db, Clock clock, List<Sink> sinks, String replica) {
    this.db = db;
    this.clock = clock;
    this.sinks = List.copyOf(sinks);
    this.replica = replica;
  }

  /** The stream for {@code settings}, or null when no sink is configured. */
  public static AuditStream of(
      AuditStreamSettings settings, Database db, Clock clock, String replica) {
    if (settings == null || !settings.any()) {
      return null;
    }
    ObjectMapper json = new ObjectMapper().findAndRegisterModules();
    List<Sink> sinks = new ArrayList<>();
    if (settings.httpUrl() != null) {
      sinks.add(new HttpSink(settings.httpUrl(), json));
    }
    if (settings.syslogAddress() != null) {
      sinks.add(new SyslogSink(settings.syslogAddress(), json));
    }
    return new AuditStream(db, clock, sinks, replica);
  }

  /** Delivers every second on {@code scheduler}. */
  public void start(ScheduledExecutorService scheduler) {
    db.jdbi()
        .useHandle(
            h -> {
              for (Sink sink : sinks) {
                h.createUpdate(
                        "INSERT INTO audit_stream_cursors (sink, last_id, lease_until)"
                            + " VALUES (:s, 0, 0) ON CONFLICT (sink) DO NOTHING")
                    .bind("s", sink.name())
                    .execute();
              }
            });
    scheduler.scheduleWithFixedDelay(this::round, 1, 1, TimeUnit.SECONDS);
  }

  /** One round: each sink whose lease this replica holds gets what is new; never throws. */
  void round() {
    for (Sink sink : sinks) {
      try {
        while (lease(sink) && deliver(sink)) {
          // a full batch went: send the next one now
        }
      } catch (RuntimeException e) {
        log.warn("audit stream to {}: {}", sink.name(), e.toString());
      }
    }
  }

  private boolean lease(Sink sink) {
    long now = clock.millis();
    return db.jdbi()
            .withHandle(
                h ->
                    h.createUpdate(
                            "UPDATE audit_stream_cursors SET lease_owner = :me, lease_until = :until"
                                + " WHERE sink = :s AND (lease_owner = :me OR lease_until < :now)")
                        .bind("me", replica)
                        .bind("until", now + LEASE.toMillis())
                        .bind("s", sink.name())
                        .bind("now", now)
                        .execute())
        == 1;
  }

  /** Sends the next batch; true when it was full (there may be more). */
  private boolean deliver(Sink sink) {
    long cursor =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT last_id FROM audit_stream_cursors WHERE sink = :s")
                        .bind("s", sink.name())
                        .mapTo(Long.class)
                        .one());
    List<Event> events =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT id, event_time, actor, action, target, source_address, details"
                                + " FROM audit_events WHERE id > :cursor AND event_time <= :settled"
                                + " ORDER BY id LIMIT :n")
                        .bind("cursor", cursor)
                        .bind("settled", clock.millis() - SETTLE.toMillis())
                        .bind("n", BATCH)
                        .map(
                            (rs, c) ->
                                new Event(
                                    rs.getLong("id"),
                                    Instant.ofEpochMilli(rs.getLong("event_time")),
                                    rs.getString("actor"),
                                    rs.getString("action"),
                                    rs.getString("target"),
                                    rs.getString("source_address"),
                                    rs.getString("details")))
                        .list());
    if (events.isEmpty()) {
      return false;
    }
    try {
      sink.send(events);
    } catch (IOException e) {
      if (failing.add(sink.name())) {
        log.warn(
            "audit stream to {} failed, keeping its place (event {}) and trying again: {}",
            sink.name(),
            cursor + 1,
            e.toString());
      }
      return false;
    }
    if (failing.remove(sink.name())) {
      log.info("audit stream to {} works again", sink.name());
    }
    long last = events.get(events.size() - 1).id();
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "UPDATE audit_stream_cursors SET last_id = :last"
                            + " WHERE sink = :s AND last_id = :was AND lease_owner = :me")
                    .bind("last", last)
                    .bind("s", sink.name())
                    .bind("was", cursor)
                    .bind("me", replica)
                    .execute());
    return events.size() == BATCH;
  }

  /** An event as one JSON object (a line of the HTTP sink, the message of a syslog record). */
  static String json(ObjectMapper mapper, Event event) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("id", event.id());
    fields.put("time", event.time().toString());
    fields.put("actor", event.actor());
    fields.put("action", event.action());
    fields.put("target", event.target());
    fields.put("sourceAddress", event.sourceAddress());
    fields.put("details", event.details());
    try {
      return mapper.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audit event does not serialise", e);
    }
  }

  @Override
  public void close() {
    sinks.forEach(Sink::close);
  }
}
