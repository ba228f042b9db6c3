package dev.kpam.gateway.record.cast;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.gateway.record.SessionEvents;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The asciicast v2 recording of one exec or attach (docs/RECORDING.md §2), appended as {@code
 * recording} events in chunks (§1): a chunk is cut once its lines reach 64 KiB, or at the first
 * line that comes 200 ms or more after the chunk's first line (the tap has no timer of its own),
 * and the rest at {@link #finish()}. The header goes first in chunk 0, so that the first resize
 * before it can give its size. Contents stop at the size cap or at the first sign of binary data,
 * with one marker each. Confined to the connection's event loop.
 */
final class Cast {
  static final int CHUNK_BYTES = 64 * 1024;
  static final long CHUNK_NANOS = 200_000_000L;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private final SessionEvents events;
  private final String sessionId;
  private final String recordingId;
  private final Map<String, Object> header;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private final long cap;
  private final List<String> pending = new ArrayList<>();
  private int pendingBytes;
  private long pendingSince;
  private int index;
  private long recorded;
  private boolean sized;
  private boolean stopped;
  private boolean binary;
  private boolean truncated;

  Cast(
      SessionEvents events,
      String sessionId,
      String recordingId,
      Map<String, Object> header,
      LongSupplier nanoTime,
      long cap) {
    this.events = events;
    this.sessionId = sessionId;
    this.recordingId = recordingId;
    this.header = new LinkedHashMap<>(header);
    this.nanoTime = nanoTime;
    this.startNanos = nanoTime.getAsLong();
    this.cap = cap;
  }

  /**
   * Bytes of one stream, decoded by its {@code text}: an {@code "o"} or {@code "i"} event of {@code
   * type} when {@code recorded}; checked for binary data either way.
   */
  void data(String type, Utf8Text text, byte[] bytes, int offset, int length, boolean recorded) {
    if (stopped) {
      return;
    }
    int taken = length;
    boolean overCap = false;
    if (recorded && length > cap - this.recorded) {
      taken = (int) (cap - this.recorded);
      overCap = true;
    }
    String decoded = text.decode(bytes, offset, taken);
    if (decoded == null) {
      binary = true;
      stop("binary stream: contents not recorded");
      return;
    }
    if (recorded) {
      this.recorded += taken;
      if (!decoded.isEmpty()) {
        line(type, decoded);
      }
    }
    if (overCap) {
      truncated = true;
      stop("recording truncated at " + cap + " bytes");
    }
  }

  /**
   * A terminal size: the header's when it comes before chunk 0 is cut, and an {@code "r"} event.
   */
  void resize(int columns, int rows) {
    if (stopped) {
      return;
    }
    if (!sized && index == 0) {
      header.put("width", columns);
      header.put("height", rows);
    }
    sized = true;
    line("r", columns + "x" + rows);
  }

  void marker(String text) {
    if (!stopped) {
      line("m", text);
    }
  }

  /** Appends what is left; the recording ends here. */
  void finish() {
    stopped = true;
    flush();
  }

  boolean binary() {
    return binary;
  }

  boolean truncated() {
    return truncated;
  }

  private void stop(String why) {
    line("m", why);
    stopped = true;
  }

  private void line(String type, String data) {
    long now = nanoTime.getAsLong();
    BigDecimal seconds = BigDecimal.valueOf(Math.max(0, now - startNanos) / 1000, 6);
    String line = json(List.of(seconds, type, data));
    if (pending.isEmpty()) {
      pendingSince = now;
    }
    pending.add(line);
    pendingBytes += utf8Length(line) + 1;
    if (pendingBytes >= CHUNK_BYTES || now - pendingSince >= CHUNK_NANOS) {
      flush();
    }
  }

  private void flush() {
    if (pending.isEmpty() && index > 0) {
      return;
    }
    List<String> lines = new ArrayList<>(pending.size() + 1);
    if (index == 0) {
      lines.add(json(header));
    }
    lines.addAll(pending);
    pending.clear();
    pendingBytes = 0;
    Map<String, Object> chunk = new LinkedHashMap<>();
    chunk.put("recordingId", recordingId);
    chunk.put("index", index++);
    chunk.put("lines", lines);
    events.append(sessionId, "recording", chunk);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an asciicast line", e);
    }
  }

  private static int utf8Length(String text) {
    int bytes = text.length();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x800 && !Character.isSurrogate(c)) {
        bytes += 2;
      } else if (c >= 0x80) {
        bytes += 1;
      }
    }
    return bytes;
  }
}
