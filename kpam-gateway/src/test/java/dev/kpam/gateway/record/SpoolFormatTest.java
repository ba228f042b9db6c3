package dev.kpam.gateway.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.protocol.sessions.SessionEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolFormatTest {
  @TempDir Path dir;

  @Test
  void aBatchCarriesTheLinesAsWrittenAndTheirSeqs() throws IOException {
    Path events = dir.resolve("events.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int seq = 1; seq <= 3; seq++) {
      SessionEvent event =
          new SessionEvent(
              seq, Instant.parse("2026-12-03T10:00:00Z"), "request", Map.of("path", "/api/" + seq));
      lines.append(SpoolFormat.MAPPER.writeValueAsString(event)).append('\n');
    }
    lines.append("{\"seq\":4,\"type\":\"req"); // a torn last line, still being written
    Files.writeString(events, lines);

    SpoolFormat.Batch batch = SpoolFormat.read(events, 0, 1, 100, 1 << 20);

    assertThat(batch.events()).extracting(SpooledEvent::seq).containsExactly(2L, 3L);
    JsonNode body = SpoolFormat.MAPPER.readTree(SpooledEvent.batchJson(batch.events()));
    assertThat(body.path("events")).hasSize(2);
    assertThat(body.path("events").get(0).path("data").path("path").asText()).isEqualTo("/api/2");
    assertThat(body.path("events").get(1).path("seq").asLong()).isEqualTo(3);
    assertThat(batch.endOffset()).isEqualTo(lines.lastIndexOf("\n") + 1);
  }

  @Test
  void theSeqIsFoundWhereverItIsAndALineWithoutOneIsRefused() throws IOException {
    byte[] late =
        "{\"data\":{\"seq\":9},\"type\":\"x\",\"seq\":7}".getBytes(StandardCharsets.UTF_8);
    assertThat(SpoolFormat.seqOf(late, 0, late.length)).isEqualTo(7);
    for (String bad : List.of("[1]", "{\"type\":\"x\"}")) {
      byte[] bytes = bad.getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> SpoolFormat.seqOf(bytes, 0, bytes.length))
          .isInstanceOf(IOException.class);
    }
  }
}
