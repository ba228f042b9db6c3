package dev.kpam.server.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * The fields of an event's {@code data} that the reading side filters, sums and groups by, copied
 * into columns of {@code session_events} when the event is stored (V3 migration): plain SQL then
 * does on SQLite and PostgreSQL alike what would otherwise need their different JSON functions.
 */
record EventColumns(
    String verb,
    String resource,
    String namespace,
    Integer requestStatus,
    Long bytesIn,
    Long bytesOut,
    String kubectlSession,
    String recordingId,
    Integer chunkIndex,
    Long chunkBytes,
    String flag) {
  static final EventColumns NONE =
      new EventColumns(null, null, null, null, null, null, null, null, null, null, null);

  static final String TRUNCATED = "truncated";
  static final String BINARY = "binary";
  static final String RECORDING_INCOMPLETE = "recording_incomplete";

  static EventColumns of(String type, JsonNode data) {
    return switch (type) {
      case "request" ->
          new EventColumns(
              text(data, "verb", 32),
              text(data, "resource", 255),
              text(data, "namespace", 255),
              data.path("status").canConvertToInt() ? data.path("status").asInt() : null,
              number(data, "bytesIn"),
              number(data, "bytesOut"),
              text(data, "kubectlSession", 255),
              null,
              null,
              null,
              null);
      case "stream" ->
          new EventColumns(
              null,
              null,
              text(data, "namespace", 255),
              null,
              number(data, "bytesFromClient"),
              number(data, "bytesFromServer"),
              null,
              text(data, "recordingId", 64),
              null,
              null,
              data.path("binary").asBoolean(false) ? BINARY : null);
      case "recording" -> chunk(data);
      case "session" ->
          new EventColumns(
              null, null, null, null, null, null, null, null, null, null, text(data, "what", 64));
      default -> NONE;
    };
  }

  private static EventColumns chunk(JsonNode data) {
    long bytes = 0;
    String flag = null;
    for (JsonNode line : data.path("lines")) {
      String text = line.asText();
      bytes += text.getBytes(StandardCharsets.UTF_8).length + 1;
      // Markers are short lines of their own (RECORDING.md §2); no need to parse every line.
      if (text.contains("\"m\"")) {
        if (text.contains("recording truncated at")) {
          flag = TRUNCATED;
        } else if (text.contains("binary stream: contents not recorded")) {
          flag = BINARY;
        }
      }
    }
    return new EventColumns(
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        text(data, "recordingId", 64),
        data.path("index").canConvertToInt() ? data.path("index").asInt() : null,
        bytes,
        flag);
  }

  private static String text(JsonNode data, String field, int max) {
    JsonNode value = data.path(field);
    if (!value.isTextual()) {
      return null;
    }
    String text = value.asText();
    return text.length() <= max ? text : text.substring(0, max);
  }

  private static Long number(JsonNode data, String field) {
    JsonNode value = data.path(field);
    return value.isNumber() ? value.asLong() : null;
  }
}
