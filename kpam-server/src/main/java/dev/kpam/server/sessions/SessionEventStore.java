package dev.kpam.server.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.protocol.sessions.EventBatchAck;
import dev.kpam.server.db.Database;
import dev.kpam.server.http.ApiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Stores uploaded session events (docs/RECORDING.md §4). Each gateway instance numbers the events
 * it records per session in a space of its own (its {@code source}); the server skips those of the
 * source it holds already, gives the others the session's next numbers ({@code seq}, gap-free, the
 * order readers page in) and moves the source's gap-free watermark on ({@code
 * session_event_sources}), which the upload acknowledges. The session's row is locked first, so
 * that two uploads of one session at once (a retry against another replica, two instances of a
 * pool) take their numbers one after the other.
 */
final class SessionEventStore {
  private static final String INSERT =
      "INSERT INTO session_events (session_id, seq, source, source_seq, event_time, type, data,"
          + " verb, resource, namespace, request_status, bytes_in, bytes_out, kubectl_session,"
          + " recording_id, chunk_index, chunk_bytes, flag)"
          + " VALUES (:s, :seq, :source, :sourceSeq, :t, :type, :data, :verb, :resource,"
          + " :namespace, :requestStatus, :bytesIn, :bytesOut, :kubectlSession, :recordingId,"
          + " :chunkIndex, :chunkBytes, :flag)";

  /** Stored sequence numbers read per query while the watermark moves on. */
  private static final int STEP = 1000;

  private final Database db;
  private final ObjectMapper json;

  SessionEventStore(Database db, ObjectMapper json) {
    this.db = db;
    this.json = json;
  }

  /**
   * Stores {@code events} (already validated) that {@code source} recorded of {@code sessionId}.
   */
  EventBatchAck store(String sessionId, String source, List<EventUpload.Event> events) {
    return db.jdbi()
        .inTransaction(
            h -> {
              // PostgreSQL: the row lock; SQLite: the database's write lock.
              h.createUpdate("UPDATE sessions SET events_through = events_through WHERE id = :s")
                  .bind("s", sessionId)
                  .execute();
              List<EventUpload.Event> fresh = unseen(h, sessionId, source, events);
              if (!fresh.isEmpty()) {
                insert(h, sessionId, source, fresh);
              }
              return new EventBatchAck(
                  fresh.size(),
                  events.size() - fresh.size(),
                  advanceWatermark(h, sessionId, source));
            });
  }

  /** The events of the batch not stored yet, each sequence number once, in the batch's order. */
  private static List<EventUpload.Event> unseen(
      Handle h, String sessionId, String source, List<EventUpload.Event> events) {
    if (events.isEmpty()) {
      return List.of();
    }
    long min = events.stream().mapToLong(EventUpload.Event::seq).min().orElseThrow();
    long max = events.stream().mapToLong(EventUpload.Event::seq).max().orElseThrow();
    Set<Long> seen =
        new HashSet<>(
            h.createQuery(
                    "SELECT source_seq FROM session_events WHERE session_id = :s"
                        + " AND source = :source AND source_seq BETWEEN :min AND :max")
                .bind("s", sessionId)
                .bind("source", source)
                .bind("min", min)
                .bind("max", max)
                .mapTo(Long.class)
                .list());
    List<EventUpload.Event> fresh = new ArrayList<>();
    for (EventUpload.Event event : events) {
      if (seen.add(event.seq())) {
        fresh.add(event);
      }
    }
    return fresh;
  }

  private void insert(Handle h, String sessionId, String source, List<EventUpload.Event> events) {
    long last =
        h.createQuery("SELECT events_through FROM sessions WHERE id = :s")
            .bind("s", sessionId)
            .mapTo(Long.class)
            .one();
    PreparedBatch batch = h.prepareBatch(INSERT);
    for (EventUpload.Event event : events) {
      JsonNode data =
          event.data() == null || event.data().isNull() ? json.createObjectNode() : event.data();
      EventColumns columns =
          data.isObject() ? EventColumns.of(event.type(), data) : EventColumns.NONE;
      batch
          .bind("s", sessionId)
          .bind("seq", ++last)
          .bind("source", source)
          .bind("sourceSeq", event.seq())
          .bind("t", event.time().toEpochMilli())
          .bind("type", event.type())
          .bind("data", toJson(data))
          .bind("verb", columns.verb())
          .bind("resource", columns.resource())
          .bind("namespace", columns.namespace())
          .bind("requestStatus", columns.requestStatus())
          .bind("bytesIn", columns.bytesIn())
          .bind("bytesOut", columns.bytesOut())
          .bind("kubectlSession", columns.kubectlSession())
          .bind("recordingId", columns.recordingId())
          .bind("chunkIndex", columns.chunkIndex())
          .bind("chunkBytes", columns.chunkBytes())
          .bind("flag", columns.flag())
          .add();
    }
    batch.execute();
    h.createUpdate("UPDATE sessions SET events_through = :t WHERE id = :s")
        .bind("s", sessionId)
        .bind("t", last)
        .execute();
  }

  /**
   * The highest n such that events 1..n of {@code source} are all stored, moved on from its stored
   * watermark.
   */
  private static long advanceWatermark(Handle h, String sessionId, String source) {
    Optional<Long> stored =
        h.createQuery(
                "SELECT events_through FROM session_event_sources"
                    + " WHERE session_id = :s AND source = :source")
            .bind("s", sessionId)
            .bind("source", source)
            .mapTo(Long.class)
            .findOne();
    long through = stored.orElse(0L);
    while (true) {
      List<Long> next =
          h.createQuery(
                  "SELECT source_seq FROM session_events WHERE session_id = :s"
                      + " AND source = :source AND source_seq > :t ORDER BY source_seq LIMIT "
                      + STEP)
              .bind("s", sessionId)
              .bind("source", source)
              .bind("t", through)
              .mapTo(Long.class)
              .list();
      int gapless = 0;
      while (gapless < next.size() && next.get(gapless) == through + 1) {
        through++;
        gapless++;
      }
      if (gapless < STEP) {
        break;
      }
    }
    if (stored.isEmpty()) {
      h.createUpdate(
              "INSERT INTO session_event_sources (session_id, source, events_through)"
                  + " VALUES (:s, :source, :t)")
          .bind("s", sessionId)
          .bind("source", source)
          .bind("t", through)
          .execute();
    } else if (through > stored.get()) {
      h.createUpdate(
              "UPDATE session_event_sources SET events_through = :t"
                  + " WHERE session_id = :s AND source = :source")
          .bind("s", sessionId)
          .bind("source", source)
          .bind("t", through)
          .execute();
    }
    return through;
  }

  private String toJson(Object data) {
    try {
      return json.writeValueAsString(data);
    } catch (JsonProcessingException e) {
      throw ApiException.invalid("events.data", "not serialisable", "a JSON object");
    }
  }
}
