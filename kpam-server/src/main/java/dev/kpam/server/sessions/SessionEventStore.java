package dev.kpam.server.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.protocol.sessions.EventBatchAck;
import dev.kpam.server.db.Database;
import dev.kpam.server.http.ApiException;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Stores uploaded session events (docs/RECORDING.md): one batched insert per upload that skips a
 * sequence number already stored, then extends the session's gap-free watermark ({@code
 * sessions.events_through}) from where it stood. The watermark only grows, so two uploads of one
 * session at once (a retry against another replica) never move it back; one that could not see the
 * other's rows acknowledges less, and the next upload catches up.
 */
final class SessionEventStore {
  private static final String INSERT =
      "INSERT INTO session_events (session_id, seq, event_time, type, data, verb, resource,"
          + " namespace, request_status, bytes_in, bytes_out, kubectl_session, recording_id,"
          + " chunk_index, chunk_bytes, flag)"
          + " VALUES (:s, :seq, :t, :type, :data, :verb, :resource, :namespace, :requestStatus,"
          + " :bytesIn, :bytesOut, :kubectlSession, :recordingId, :chunkIndex, :chunkBytes, :flag)"
          + " ON CONFLICT (session_id, seq) DO NOTHING";

  /** Stored sequence numbers read per query while the watermark moves on. */
  private static final int STEP = 1000;

  private final Database db;
  private final ObjectMapper json;

  SessionEventStore(Database db, ObjectMapper json) {
    this.db = db;
    this.json = json;
  }

  /** Stores {@code events} (already validated) of session {@code sessionId}. */
  EventBatchAck store(String sessionId, List<EventUpload.Event> events) {
    return db.jdbi()
        .inTransaction(
            h -> {
              int accepted = events.isEmpty() ? 0 : insert(h, sessionId, events);
              return new EventBatchAck(
                  accepted, events.size() - accepted, advanceWatermark(h, sessionId));
            });
  }

  private int insert(Handle h, String sessionId, List<EventUpload.Event> events) {
    PreparedBatch batch = h.prepareBatch(INSERT);
    for (EventUpload.Event event : events) {
      JsonNode data =
          event.data() == null || event.data().isNull() ? json.createObjectNode() : event.data();
      EventColumns columns =
          data.isObject() ? EventColumns.of(event.type(), data) : EventColumns.NONE;
      batch
          .bind("s", sessionId)
          .bind("seq", event.seq())
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
    int accepted = 0;
    for (int count : batch.execute()) {
      accepted += count;
    }
    return accepted;
  }

  /** The highest n such that events 1..n are all stored, moved on from the stored watermark. */
  private static long advanceWatermark(Handle h, String sessionId) {
    long stored =
        h.createQuery("SELECT events_through FROM sessions WHERE id = :s")
            .bind("s", sessionId)
            .mapTo(Long.class)
            .findOne()
            .orElse(0L);
    long through = stored;
    while (true) {
      List<Long> next =
          h.createQuery(
                  "SELECT seq FROM session_events WHERE session_id = :s AND seq > :t"
                      + " ORDER BY seq LIMIT "
                      + STEP)
              .bind("s", sessionId)
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
    if (through > stored) {
      h.createUpdate(
              "UPDATE sessions SET events_through = :t WHERE id = :s AND events_through < :t")
          .bind("s", sessionId)
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
