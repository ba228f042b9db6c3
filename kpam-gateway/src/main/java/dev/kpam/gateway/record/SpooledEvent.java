package dev.kpam.gateway.record;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * One event line of the spool as it is on disk: a {@code SessionEvent} in JSON, and its seq. An
 * upload sends the lines as they are, so an event is serialised once, when it is spooled, and never
 * parsed back on the gateway.
 *
 * <pre>{@code
 * byte[] body = SpooledEvent.batchJson(events); // {"events":[<line>,<line>]}
 * }</pre>
 */
public record SpooledEvent(long seq, byte[] json) {
  private static final byte[] OPEN =
      "{\"events\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] CLOSE = "]}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** The body of {@code POST /api/v1/gateway/sessions/{id}/events}: a {@code SessionEventBatch}. */
  public static byte[] batchJson(List<SpooledEvent> events) {
    int size = OPEN.length + CLOSE.length + events.size();
    for (SpooledEvent event : events) {
      size += event.json.length;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream(size);
    body.writeBytes(OPEN);
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        body.write(',');
      }
      body.writeBytes(events.get(i).json);
    }
    body.writeBytes(CLOSE);
    return body.toByteArray();
  }
}
