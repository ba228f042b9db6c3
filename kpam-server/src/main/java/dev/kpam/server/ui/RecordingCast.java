package dev.kpam.server.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.server.ui.RecordingPages.CastSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads an asciicast v2 recording (docs/RECORDING.md §2) for the recording page: the header's
 * terminal and Kubernetes fields, the markers, and the output as plain text for readers without
 * JavaScript. The text is capped; the download has everything.
 *
 * <pre>{@code
 * CastSummary summary = RecordingCast.read(history.cast(me, sessionId, "r-7"));
 * }</pre>
 */
final class RecordingCast {
  /** Characters of plain text shown on the page; a page of megabytes helps nobody. */
  static final int TRANSCRIPT_CAP = 200_000;

  /** Raw output read before stripping: escape sequences rarely triple the text's length. */
  private static final int RAW_CAP = 3 * TRANSCRIPT_CAP;

  /**
   * ECMA-48 sequences a terminal interprets rather than prints: OSC (title, hyperlinks) ended by
   * BEL or ST, DCS/SOS/PM/APC strings, CSI (colours, cursor moves, modes), the 8-bit CSI, and the
   * two-character escapes with optional intermediates (charset selection, keypad modes).
   */
  private static final Pattern ESCAPES =
      Pattern.compile(
          "\u001B\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)?"
              + "|\u001B[PX^_][^\u001B]*(?:\u001B\\\\)?"
              + "|\u001B\\[[0-?]*[ -/]*[@-~]"
              + "|\u009B[0-?]*[ -/]*[@-~]"
              + "|\u001B[ -/]*[0-~]");

  private static final ObjectMapper JSON = new ObjectMapper();

  private RecordingCast() {}

  static CastSummary read(String cast) {
    JsonNode header = null;
    StringBuilder output = new StringBuilder();
    boolean rawCut = false;
    List<String> markers = new ArrayList<>();
    int inputEvents = 0;
    for (String line : cast.split("\n")) {
      JsonNode node = parse(line);
      if (node == null) {
        continue;
      }
      if (node.isObject() && header == null) {
        header = node;
        continue;
      }
      if (!node.isArray() || node.size() < 3) {
        continue;
      }
      String data = node.get(2).asText();
      switch (node.get(1).asText()) {
        case "o" -> {
          int room = RAW_CAP - output.length();
          if (data.length() > room) {
            rawCut = true;
          }
          output.append(data, 0, Math.min(room, data.length()));
        }
        case "i" -> inputEvents++;
        case "m" -> markers.add(data);
        default -> {}
      }
    }
    String text = plainText(output.toString());
    boolean cut = rawCut || text.length() > TRANSCRIPT_CAP;
    if (text.length() > TRANSCRIPT_CAP) {
      text = text.substring(0, TRANSCRIPT_CAP);
    }
    JsonNode kubernetes = header == null ? null : header.path("kubernetes");
    return new CastSummary(
        header == null ? 0 : header.path("width").asInt(0),
        header == null ? 0 : header.path("height").asInt(0),
        flag(kubernetes, "tty"),
        flag(kubernetes, "stdin"),
        kubernetes == null ? null : kubernetes.path("protocol").asText(null),
        text,
        cut,
        List.copyOf(markers),
        inputEvents);
  }

  /**
   * Terminal output as a reader would see it on paper: escape sequences removed, CR LF and a lone
   * CR (a redrawn line) as new lines, backspace applied, other control characters dropped.
   */
  static String plainText(String output) {
    String stripped = ESCAPES.matcher(output).replaceAll("").replace("\r\n", "\n");
    StringBuilder text = new StringBuilder(stripped.length());
    for (int i = 0; i < stripped.length(); i++) {
      char c = stripped.charAt(i);
      if (c == '\b') {
        if (!text.isEmpty() && text.charAt(text.length() - 1) != '\n') {
          text.setLength(text.length() - 1);
        }
      } else if (c == '\r') {
        text.append('\n');
      } else if (c == '\n' || c == '\t' || (c >= ' ' && c != 0x7F && (c < 0x80 || c > 0x9F))) {
        text.append(c);
      }
    }
    return text.toString();
  }

  private static Boolean flag(JsonNode kubernetes, String field) {
    return kubernetes == null || !kubernetes.path(field).isBoolean()
        ? null
        : kubernetes.path(field).asBoolean();
  }

  private static JsonNode parse(String line) {
    if (line.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
