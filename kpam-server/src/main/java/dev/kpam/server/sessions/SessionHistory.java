package dev.kpam.server.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.protocol.sessions.RecordingView;
import dev.kpam.protocol.sessions.SessionCommand;
import dev.kpam.protocol.sessions.SessionEvent;
import dev.kpam.protocol.sessions.SessionEventPage;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.db.Database;
import dev.kpam.server.db.Millis;
import dev.kpam.server.http.ApiException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The reading side of session recording (docs/RECORDING.md §5): a session's kubectl commands, its
 * events filtered and paged, its exec/attach recordings and their asciicast text. Members read only
 * their own sessions (404 for others, as for the session itself); admins read all.
 *
 * <pre>{@code
 * List<SessionCommand> commands = history.commands(me, sessionId);
 * String cast = history.cast(me, sessionId, "r-7");
 * }</pre>
 */
public final class SessionHistory {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  private static final Pattern EXACT_STATUS = Pattern.compile("[1-5][0-9][0-9]");

  private final Database db;
  private final Sessions sessions;
  private final ObjectMapper json;

  public SessionHistory(Database db, Sessions sessions, ObjectMapper json) {
    this.db = db;
    this.sessions = sessions;
    this.json = json;
  }

  /**
   * The session's commands in the order their first request started. A long-running request that
   * has begun and not ended (a {@code request_open} without its {@code request}) counts as running,
   * so a watch or an exec shows while it lasts.
   */
  public List<SessionCommand> commands(Principal principal, String sessionId) {
    return commandsWithRequests(principal, sessionId).commands();
  }

  /**
   * A session's commands and, by request id, the event data of each of their requests ({@code
   * request}, or {@code request_open} while running), read in one pass: for pages that show both.
   */
  public record CommandsWithRequests(
      List<SessionCommand> commands, Map<String, RequestData> requests) {}

  /** A request's event data (docs/RECORDING.md §1); {@code running} for a {@code request_open}. */
  public record RequestData(JsonNode data, boolean running) {}

  /** {@link #commands}, with the data of every request they name. */
  public CommandsWithRequests commandsWithRequests(Principal principal, String sessionId) {
    sessions.readable(principal, sessionId);
    List<RecordedRequest> requests = new ArrayList<>();
    Map<String, RecordedRequest> open = new LinkedHashMap<>();
    Map<String, RequestData> data = new HashMap<>();
    Map<String, StreamOutcome> streams = new HashMap<>();
    db.jdbi()
        .useHandle(
            h -> {
              h.createQuery(
                      "SELECT seq, event_time, type, data FROM session_events WHERE session_id = :s"
                          + " AND type IN ('request', 'request_open') ORDER BY seq")
                  .bind("s", sessionId)
                  .map(
                      (rs, c) -> {
                        boolean running = "request_open".equals(rs.getString("type"));
                        JsonNode event = parse(rs.getString("data"));
                        RecordedRequest request =
                            RecordedRequest.of(
                                rs.getLong("seq"),
                                Millis.instant(rs.getLong("event_time")),
                                event,
                                running);
                        if (request.id() != null) {
                          data.put(request.id(), new RequestData(event, running));
                        }
                        return request;
                      })
                  .forEach(
                      request -> {
                        if (request.open()) {
                          open.put(request.id(), request);
                        } else {
                          requests.add(request);
                          open.remove(request.id());
                        }
                      });
              requests.addAll(open.values());
              h.createQuery(
                      "SELECT data FROM session_events WHERE session_id = :s AND type = 'stream'")
                  .bind("s", sessionId)
                  .map((rs, c) -> parse(rs.getString("data")))
                  .forEach(
                      stream -> {
                        if (stream.path("requestId").isTextual()) {
                          streams.put(stream.path("requestId").asText(), StreamOutcome.of(stream));
                        }
                      });
            });
    return new CommandsWithRequests(Commands.of(requests, streams), data);
  }

  /**
   * A mark that changes whenever what the session's pages show changes: its status, or a new event
   * (commands, requests, summary and recordings all come from events). Cheap: one key lookup and
   * one index range, for pages that poll.
   */
  public String version(Principal principal, String sessionId) {
    String status = sessions.readable(principal, sessionId).status();
    long lastSeq =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT COALESCE(MAX(seq), 0) FROM session_events"
                                + " WHERE session_id = :s")
                        .bind("s", sessionId)
                        .mapTo(Long.class)
                        .one());
    return status.toLowerCase(Locale.ROOT) + "." + lastSeq;
  }

  /** Filters of {@link #events}; null means any. */
  public record EventFilter(
      String type,
      String verb,
      String resource,
      String namespace,
      String status,
      Long after,
      Long limit) {}

  /** Events in sequence order after {@code filter.after()}, at most {@code filter.limit()}. */
  public SessionEventPage events(Principal principal, String sessionId, EventFilter filter) {
    sessions.readable(principal, sessionId);
    long limit = filter.limit() == null ? DEFAULT_LIMIT : filter.limit();
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiException.invalid("limit", limit, "between 1 and " + MAX_LIMIT);
    }
    long after = filter.after() == null ? 0 : filter.after();
    if (after < 0) {
      throw ApiException.invalid("after", after, "a sequence number, 0 or more");
    }
    StringBuilder sql =
        new StringBuilder(
            "SELECT seq, event_time, type, data FROM session_events"
                + " WHERE session_id = :s AND seq > :after");
    if (filter.type() != null) sql.append(" AND type = :type");
    if (filter.verb() != null) sql.append(" AND verb = :verb");
    if (filter.resource() != null) sql.append(" AND resource = :resource");
    if (filter.namespace() != null) sql.append(" AND namespace = :namespace");
    int[] statuses = statusRange(filter.status());
    if (statuses != null) sql.append(" AND request_status BETWEEN :lowest AND :highest");
    sql.append(" ORDER BY seq LIMIT :limit");
    List<SessionEvent> events =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(sql.toString())
                        .bind("s", sessionId)
                        .bind("after", after)
                        .bind("type", filter.type())
                        .bind("verb", filter.verb())
                        .bind("resource", filter.resource())
                        .bind("namespace", filter.namespace())
                        .bind("lowest", statuses == null ? 0 : statuses[0])
                        .bind("highest", statuses == null ? 0 : statuses[1])
                        .bind("limit", limit)
                        .map(
                            (rs, c) ->
                                new SessionEvent(
                                    rs.getLong("seq"),
                                    Millis.instant(rs.getLong("event_time")),
                                    rs.getString("type"),
                                    parse(rs.getString("data"))))
                        .list());
    return new SessionEventPage(
        events, events.isEmpty() ? null : events.get(events.size() - 1).seq());
  }

  /** {@code 404}, {@code 4xx}, {@code 5xx} or {@code error} as the lowest and highest status. */
  private static int[] statusRange(String status) {
    if (status == null) {
      return null;
    }
    return switch (status.toLowerCase(Locale.ROOT)) {
      case "4xx" -> new int[] {400, 499};
      case "5xx" -> new int[] {500, 599};
      case "error" -> new int[] {400, 999};
      default -> {
        if (!EXACT_STATUS.matcher(status).matches()) {
          throw ApiException.invalid(
              "status", status, "an HTTP status such as 404, or 4xx, 5xx, error");
        }
        int code = Integer.parseInt(status);
        yield new int[] {code, code};
      }
    };
  }

  /** The session's recordings in the order they started. */
  public List<RecordingView> recordings(Principal principal, String sessionId) {
    sessions.readable(principal, sessionId);
    Map<String, Chunks> chunks = new LinkedHashMap<>();
    Map<String, Stream> streams = new HashMap<>();
    db.jdbi()
        .useHandle(
            h -> {
              h.createQuery(
                      "SELECT recording_id, MIN(event_time) AS first_time, SUM(chunk_bytes) AS bytes,"
                          + " SUM(CASE WHEN flag = 'truncated' THEN 1 ELSE 0 END) AS truncated,"
                          + " SUM(CASE WHEN flag = 'binary' THEN 1 ELSE 0 END) AS binary_chunks"
                          + " FROM session_events WHERE session_id = :s AND type = 'recording'"
                          + " AND recording_id IS NOT NULL GROUP BY recording_id")
                  .bind("s", sessionId)
                  .map(
                      (rs, c) ->
                          new Chunks(
                              rs.getString("recording_id"),
                              Millis.instant(rs.getLong("first_time")),
                              rs.getLong("bytes"),
                              rs.getLong("truncated") > 0,
                              rs.getLong("binary_chunks") > 0,
                              null))
                  .forEach(c -> chunks.put(c.id(), c));
              h.createQuery(
                      "SELECT recording_id, data FROM session_events WHERE session_id = :s"
                          + " AND type = 'recording' AND recording_id IS NOT NULL AND chunk_index = 0")
                  .bind("s", sessionId)
                  .map((rs, c) -> Map.entry(rs.getString("recording_id"), rs.getString("data")))
                  .forEach(
                      e ->
                          chunks.computeIfPresent(
                              e.getKey(), (k, c) -> c.withHeader(header(e.getValue()))));
              h.createQuery(
                      "SELECT event_time, data FROM session_events WHERE session_id = :s"
                          + " AND type = 'stream' AND recording_id IS NOT NULL")
                  .bind("s", sessionId)
                  .map(
                      (rs, c) ->
                          new Stream(
                              Millis.instant(rs.getLong("event_time")),
                              parse(rs.getString("data"))))
                  .forEach(s -> streams.put(s.data().path("recordingId").asText(), s));
            });
    List<String> ids = new ArrayList<>(chunks.keySet());
    streams.keySet().stream().filter(id -> !chunks.containsKey(id)).forEach(ids::add);
    return ids.stream()
        .map(id -> recording(id, chunks.get(id), streams.get(id)))
        .sorted(Comparator.comparing(RecordingView::startedAt).thenComparing(RecordingView::id))
        .toList();
  }

  private record Chunks(
      String id,
      Instant firstTime,
      long bytes,
      boolean truncated,
      boolean binary,
      JsonNode header) {
    Chunks withHeader(JsonNode header) {
      return new Chunks(id, firstTime, bytes, truncated, binary, header);
    }
  }

  private record Stream(Instant time, JsonNode data) {}

  private static RecordingView recording(String id, Chunks chunks, Stream stream) {
    JsonNode header = chunks == null || chunks.header() == null ? null : chunks.header();
    JsonNode kubernetes = header == null ? null : header.path("kubernetes");
    JsonNode source = stream != null ? stream.data() : kubernetes;
    Instant started;
    if (header != null && header.path("timestamp").isNumber()) {
      started = Instant.ofEpochSecond(header.path("timestamp").asLong());
    } else if (stream != null) {
      started = stream.time().minusMillis(stream.data().path("durationMs").asLong(0));
    } else {
      started = chunks.firstTime();
    }
    List<String> command = new ArrayList<>();
    if (source != null) {
      source.path("command").forEach(a -> command.add(a.asText()));
    }
    return new RecordingView(
        id,
        stream != null ? text(stream.data(), "requestId", id) : id,
        stream != null ? text(stream.data(), "kind", null) : null,
        source == null ? null : text(source, "namespace", null),
        source == null ? null : text(source, "pod", null),
        source == null ? null : text(source, "container", null),
        command,
        started,
        stream != null && stream.data().path("durationMs").isNumber()
            ? stream.data().path("durationMs").asLong()
            : null,
        chunks == null ? 0 : chunks.bytes(),
        chunks != null && chunks.truncated(),
        (chunks != null && chunks.binary())
            || (stream != null && stream.data().path("binary").asBoolean(false)));
  }

  /**
   * The recording as asciicast v2 text: its chunks in {@code index} order (whatever order they
   * arrived in), their lines joined with newlines, ending with one.
   */
  public String cast(Principal principal, String sessionId, String recordingId) {
    sessions.readable(principal, sessionId);
    StringBuilder cast = new StringBuilder();
    int[] chunks = {0};
    int[] expected = {0};
    db.jdbi()
        .useHandle(
            h ->
                h.createQuery(
                        "SELECT chunk_index, data FROM session_events WHERE session_id = :s"
                            + " AND type = 'recording' AND recording_id = :r"
                            + " ORDER BY chunk_index, seq")
                    .bind("s", sessionId)
                    .bind("r", recordingId)
                    .map((rs, c) -> Map.entry(rs.getInt("chunk_index"), rs.getString("data")))
                    .forEach(
                        chunk -> {
                          // A chunk stored twice under two sequence numbers is one chunk.
                          if (chunk.getKey() < expected[0]) {
                            return;
                          }
                          expected[0] = chunk.getKey() + 1;
                          chunks[0]++;
                          for (JsonNode line : parse(chunk.getValue()).path("lines")) {
                            cast.append(line.asText()).append('\n');
                          }
                        }));
    if (chunks[0] == 0) {
      throw ApiException.notFound(
          "recording '" + recordingId + "' not found in session '" + sessionId + "'");
    }
    return cast.toString();
  }

  private JsonNode header(String chunkData) {
    JsonNode lines = parse(chunkData).path("lines");
    if (!lines.isArray() || lines.isEmpty()) {
      return null;
    }
    JsonNode header = parse(lines.get(0).asText());
    return header.isObject() && header.has("version") ? header : null;
  }

  private JsonNode parse(String text) {
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      return json.missingNode();
    }
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : fallback;
  }
}
