package dev.kpam.server.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * The body of {@code POST /api/v1/gateway/sessions/{id}/events} as the server reads it: the
 * protocol's {@code SessionEventBatch}, with each event's {@code data} read straight into a JSON
 * tree, which gives the indexed columns and is stored as it is (no map in between).
 */
public record EventUpload(List<Event> events) {
  /** A {@code SessionEvent}. */
  public record Event(long seq, Instant time, String type, JsonNode data) {}
}
