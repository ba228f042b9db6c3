package dev.kpam.server.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;

/**
 * The fields of a {@code request} event (docs/RECORDING.md §1) that commands are built from. {@code
 * time} is when the gateway appended the event, at the end of the exchange; {@link #startedAt} is
 * that minus the latency. An {@code open} request is a {@code request_open} event whose exchange
 * has not ended: {@code time} is when it began, its status 0.
 */
record RecordedRequest(
    long seq,
    Instant time,
    String id,
    String method,
    String path,
    String query,
    String verb,
    String resource,
    String subresource,
    String namespace,
    String name,
    boolean resourceRequest,
    int status,
    long latencyMs,
    String kubectlCommand,
    String kubectlSession,
    BodyObject object,
    boolean open,
    String error) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What a mutating request's body says about its object, kept instead of the body (up to 64 KiB
   * each, RECORDING.md §3) so that a session's requests fit in memory. Fields may be null.
   */
  record BodyObject(String kind, String name, String namespace) {
    static final BodyObject NONE = new BodyObject(null, null, null);

    /** From a JSON body; {@link #NONE} for none, YAML, or a body cut at the cap. */
    static BodyObject of(String body) {
      if (body == null || !body.stripLeading().startsWith("{")) {
        return NONE;
      }
      try {
        JsonNode object = JSON.readTree(body);
        JsonNode metadata = object.path("metadata");
        return new BodyObject(
            text(object, "kind"), text(metadata, "name"), text(metadata, "namespace"));
      } catch (IOException e) {
        return NONE;
      }
    }
  }

  /** From a {@code request} event, or from a {@code request_open} one when {@code open}. */
  static RecordedRequest of(long seq, Instant time, JsonNode data, boolean open) {
    return new RecordedRequest(
        seq,
        time,
        text(data, "id"),
        text(data, "method"),
        text(data, "path"),
        text(data, "query"),
        text(data, "verb"),
        text(data, "resource"),
        text(data, "subresource"),
        text(data, "namespace"),
        text(data, "name"),
        data.path("resourceRequest").asBoolean(false),
        data.path("status").asInt(0),
        Math.max(0, data.path("latencyMs").asLong(0)),
        text(data, "kubectlCommand"),
        text(data, "kubectlSession"),
        BodyObject.of(text(data, "body")),
        open,
        text(data, "error"));
  }

  Instant startedAt() {
    return time.minusMillis(latencyMs);
  }

  /**
   * Whether this request names a resource: not discovery ({@code /api}, {@code /apis/apps/v1},
   * {@code /openapi/v3}, {@code /version}), which kubectl sends before most commands.
   */
  boolean namesResource() {
    return resourceRequest && resource != null && !resource.isEmpty();
  }

  boolean mutates() {
    return method != null
        && switch (method) {
          case "POST", "PUT", "PATCH", "DELETE" -> true;
          default -> false;
        };
  }

  private static String text(JsonNode data, String field) {
    JsonNode value = data.path(field);
    return value.isTextual() ? value.asText() : null;
  }
}
