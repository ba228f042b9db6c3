package dev.kpam.gateway.record.cast;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.gateway.record.SessionEvents;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The events appended, each written as JSON the moment it is appended (as the spool does) and kept
 * as the JSON tree read back.
 */
final class CapturedEvents implements SessionEvents {
  static final ObjectMapper JSON = new ObjectMapper();
  final List<String> sessions = new ArrayList<>();
  final List<String> types = new ArrayList<>();
  final List<JsonNode> data = new ArrayList<>();

  @Override
  public void append(String sessionId, String type, Map<String, Object> fields) {
    try {
      sessions.add(sessionId);
      types.add(type);
      data.add(JSON.readTree(JSON.writeValueAsString(fields)));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<JsonNode> of(String type) {
    List<JsonNode> events = new ArrayList<>();
    for (int i = 0; i < types.size(); i++) {
      if (types.get(i).equals(type)) {
        events.add(data.get(i));
      }
    }
    return events;
  }

  /** The one {@code stream} event, which must be the last event. */
  JsonNode stream() {
    assertThat(of("stream")).hasSize(1);
    assertThat(types.get(types.size() - 1)).isEqualTo("stream");
    return of("stream").get(0);
  }

  /** The lines of every chunk in order, each parsed; checks the chunks' indexes. */
  List<JsonNode> castLines() {
    List<JsonNode> lines = new ArrayList<>();
    List<JsonNode> chunks = of("recording");
    for (int i = 0; i < chunks.size(); i++) {
      assertThat(chunks.get(i).get("index").asInt()).isEqualTo(i);
      for (JsonNode line : chunks.get(i).get("lines")) {
        try {
          lines.add(JSON.readTree(line.asText()));
        } catch (JsonProcessingException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return lines;
  }

  /** The header, first line of chunk 0. */
  JsonNode header() {
    return castLines().get(0);
  }

  /** The event lines ({@code [t, type, data]}) as {@code type data}. */
  List<String> castEvents() {
    List<JsonNode> lines = castLines();
    List<String> events = new ArrayList<>();
    for (JsonNode line : lines.subList(1, lines.size())) {
      assertThat(line.isArray()).isTrue();
      assertThat(line.get(0).isNumber()).isTrue();
      events.add(line.get(1).asText() + " " + line.get(2).asText());
    }
    return events;
  }

  /** The data of every event of {@code type}, concatenated. */
  String castData(String type) {
    StringBuilder text = new StringBuilder();
    List<JsonNode> lines = castLines();
    for (JsonNode line : lines.subList(1, lines.size())) {
      if (line.get(1).asText().equals(type)) {
        text.append(line.get(2).asText());
      }
    }
    return text.toString();
  }
}
