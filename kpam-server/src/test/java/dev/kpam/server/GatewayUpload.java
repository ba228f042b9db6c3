package dev.kpam.server;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's events as a gateway numbers and uploads them (docs/RECORDING.md): seq from 1 without
 * gaps, times {@code step} apart from {@code start}, each {@link #upload} sending what was added
 * since the last one through the gateway's own endpoint.
 *
 * <pre>{@code
 * GatewayUpload upload = new GatewayUpload(dc1, sessionId);
 * upload.add("request", Map.of("id", "r-1", "method", "GET", ...));
 * upload.upload();
 * }</pre>
 */
final class GatewayUpload {
  private static final Instant START = Instant.parse("2026-11-28T12:00:00Z");

  private final Fixtures.Enrolled gateway;
  private final String sessionId;
  private final Duration step;
  private final List<Map<String, Object>> pending = new ArrayList<>();
  private long seq;

  GatewayUpload(Fixtures.Enrolled gateway, String sessionId, Duration step) {
    this.gateway = gateway;
    this.sessionId = sessionId;
    this.step = step;
  }

  void add(String type, Map<String, Object> data) {
    seq++;
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("seq", seq);
    event.put("time", START.plus(step.multipliedBy(seq)).toString());
    event.put("type", type);
    event.put("data", data);
    pending.add(event);
  }

  /** The data of the event added last. */
  @SuppressWarnings("unchecked")
  Map<String, Object> lastData() {
    return (Map<String, Object>) pending.get(pending.size() - 1).get("data");
  }

  /** Replaces the event added last (keeping its seq and time) by one of this type and data. */
  void replaceLast(String type, Map<String, Object> data) {
    Map<String, Object> event = pending.get(pending.size() - 1);
    event.put("type", type);
    event.put("data", data);
  }

  /** Sends the events added since the last upload, as one batch the server must accept. */
  void upload() {
    gateway
        .api()
        .post("/api/v1/gateway/sessions/" + sessionId + "/events", Map.of("events", pending))
        .expect(200);
    pending.clear();
  }

  /** The data of a {@code recording} event: lines of an asciicast (docs/RECORDING.md §2). */
  static Map<String, Object> recordingChunk(String recordingId, int index, List<String> lines) {
    return Map.of("recordingId", recordingId, "index", index, "lines", lines);
  }

  /** The data of a {@code stream} event: an exec in pod default/api-7d9 has ended. */
  static Map<String, Object> execStream(
      String requestId,
      String recordingId,
      List<String> command,
      long durationMs,
      long bytesIn,
      long bytesOut,
      boolean binary) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("requestId", requestId);
    data.put("recordingId", recordingId);
    data.put("kind", "exec");
    data.put("protocol", "v5.channel.k8s.io");
    data.put("namespace", "default");
    data.put("pod", "api-7d9");
    data.put("container", "api");
    data.put("command", command);
    data.put("tty", true);
    data.put("stdin", true);
    data.put("ports", List.of());
    data.put("bytesFromClient", bytesIn);
    data.put("bytesFromServer", bytesOut);
    data.put("binary", binary);
    data.put("closedBy", "client");
    data.put("durationMs", durationMs);
    return data;
  }
}
