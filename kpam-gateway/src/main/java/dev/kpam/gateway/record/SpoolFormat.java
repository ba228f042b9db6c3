package dev.kpam.gateway.record;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The spool's files: directory names, event lines, recovery after a crash, batch reads. */
final class SpoolFormat {
  private static final TypeReference<Map<String, Object>> DATA = new TypeReference<>() {};
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private SpoolFormat() {}

  /** A directory name for a session id: safe characters kept, anything else percent-encoded. */
  static String dirNameOf(String sessionId) {
    String encoded = URLEncoder.encode(sessionId, StandardCharsets.UTF_8).replace("*", "%2A");
    return encoded.startsWith(".") ? "%2E" + encoded.substring(1) : encoded;
  }

  static String sessionIdOf(Path dir) {
    return URLDecoder.decode(dir.getFileName().toString(), StandardCharsets.UTF_8);
  }

  /**
   * The seq of the last complete line of {@code events}; a torn last line (no newline: the gateway
   * stopped mid-write) is cut off so that the next append starts on a line of its own.
   */
  static long recoverLastSeq(Path events) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(events);
    } catch (NoSuchFileException e) {
      return 0;
    }
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    if (end < bytes.length) {
      try (FileChannel channel = FileChannel.open(events, StandardOpenOption.WRITE)) {
        channel.truncate(end);
      }
    }
    int lineEnd = end - 1;
    while (lineEnd > 0) {
      int start = lineEnd - 1;
      while (start >= 0 && bytes[start] != '\n') {
        start--;
      }
      try {
        return MAPPER.readTree(bytes, start + 1, lineEnd - start - 1).path("seq").asLong();
      } catch (IOException e) {
        lineEnd = start; // not an event line: look at the one before
      }
    }
    return 0;
  }

  /**
   * The data of every {@code request_open} event in {@code events} whose {@code request} event
   * never came: exchanges a previous run did not see to their end.
   */
  static List<Unfinished> unfinishedRequests(Path events) throws IOException {
    Map<String, Unfinished> open = new LinkedHashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(events, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    for (String line : lines) {
      JsonNode event;
      try {
        event = MAPPER.readTree(line);
      } catch (IOException e) {
        continue; // a torn line
      }
      String id = event.path("data").path("id").asText(null);
      if (id == null) {
        continue;
      }
      switch (event.path("type").asText()) {
        case "request_open" ->
            open.put(
                id,
                new Unfinished(
                    Instant.parse(event.path("time").asText()),
                    MAPPER.convertValue(event.get("data"), DATA)));
        case "request" -> open.remove(id);
        default -> {}
      }
    }
    return List.copyOf(open.values());
  }

  /** A {@code request_open} event without its {@code request}: when it was opened, its data. */
  record Unfinished(Instant openedAt, Map<String, Object> data) {}

  /** Complete lines read from a byte offset, and the offset after each of them. */
  record Batch(List<SpooledEvent> events, List<Long> ends, long endOffset) {}

  /**
   * Reads events with seq greater than {@code after} from {@code offset}, at most {@code maxEvents}
   * and about {@code maxBytes} of lines; only complete lines.
   */
  static Batch read(Path events, long offset, long after, int maxEvents, int maxBytes)
      throws IOException {
    List<SpooledEvent> read = new ArrayList<>();
    List<Long> ends = new ArrayList<>();
    long position = offset;
    try (FileChannel channel = FileChannel.open(events, StandardOpenOption.READ)) {
      // Room for a whole line even when one is near maxBytes.
      ByteBuffer buffer = ByteBuffer.allocate(2 * maxBytes);
      int bytesTaken = 0;
      while (read.size() < maxEvents) {
        buffer.clear();
        int n = channel.read(buffer, position);
        if (n <= 0) {
          break;
        }
        byte[] chunk = buffer.array();
        int start = 0;
        boolean progressed = false;
        for (int i = 0; i < n && read.size() < maxEvents; i++) {
          if (chunk[i] != '\n') {
            continue;
          }
          int length = i - start;
          if (!read.isEmpty() && bytesTaken + length > maxBytes) {
            return new Batch(read, ends, position + start);
          }
          long seq = seqOf(chunk, start, length);
          int lineStart = start;
          start = i + 1;
          progressed = true;
          if (seq > after) {
            read.add(new SpooledEvent(seq, Arrays.copyOfRange(chunk, lineStart, i)));
            ends.add(position + start);
            bytesTaken += length;
          }
        }
        if (!progressed) {
          break; // an incomplete last line (being written), or one longer than maxBytes
        }
        position += start;
      }
    } catch (NoSuchFileException e) {
      return new Batch(read, ends, offset);
    }
    return new Batch(read, ends, position);
  }

  /**
   * The {@code seq} of an event line, read without parsing the rest: the writer puts it first
   * ({@code SessionEvent}'s first component), and a line where it is not is read until it appears.
   */
  static long seqOf(byte[] bytes, int start, int length) throws IOException {
    try (JsonParser parser = MAPPER.getFactory().createParser(bytes, start, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a spool line that is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("seq") && value == JsonToken.VALUE_NUMBER_INT) {
          return parser.getLongValue();
        }
        parser.skipChildren();
      }
      throw new IOException("a spool line without a seq");
    }
  }

  static void deleteDirectory(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (NoSuchFileException e) {
      // Already gone.
    }
  }
}
