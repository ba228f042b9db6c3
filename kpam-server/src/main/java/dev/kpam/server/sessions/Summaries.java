package dev.kpam.server.sessions;

import dev.kpam.protocol.sessions.SessionSummary;
import dev.kpam.protocol.sessions.SessionView;
import dev.kpam.server.db.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SessionSummary} of sessions from one SQL aggregate over their events' columns (see {@link
 * EventColumns}), so that a list of sessions costs one more query, not one per session.
 */
final class Summaries {
  private static final SessionSummary NOTHING = new SessionSummary(0, 0, 0, 0, 0, 0, 0, false);

  private final Database db;
  private final Clock clock;

  Summaries(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** The sessions with their summaries, in the same order. */
  List<SessionView> attach(List<SessionView> sessions) {
    if (sessions.isEmpty()) {
      return sessions;
    }
    Map<String, SessionSummary> counted = count(sessions.stream().map(SessionView::id).toList());
    Instant now = clock.instant();
    return sessions.stream()
        .map(s -> withSummary(s, withDuration(counted.getOrDefault(s.id(), NOTHING), s, now)))
        .toList();
  }

  SessionView attach(SessionView session) {
    return attach(List.of(session)).get(0);
  }

  private Map<String, SessionSummary> count(List<String> ids) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT session_id,"
                            + " COUNT(DISTINCT kubectl_session)"
                            + " + SUM(CASE WHEN type = 'request' AND kubectl_session IS NULL"
                            + " THEN 1 ELSE 0 END) AS commands,"
                            + " SUM(CASE WHEN type = 'request' THEN 1 ELSE 0 END) AS requests,"
                            + " SUM(CASE WHEN type IN ('request', 'stream') THEN COALESCE(bytes_in, 0)"
                            + " ELSE 0 END) AS bytes_in,"
                            + " SUM(CASE WHEN type IN ('request', 'stream') THEN COALESCE(bytes_out, 0)"
                            + " ELSE 0 END) AS bytes_out,"
                            // A discovery document the server lacks is no error (see Commands).
                            + " SUM(CASE WHEN type = 'request' AND request_status >= 400"
                            + " AND NOT (request_status = 404 AND verb = 'get'"
                            + " AND (resource IS NULL OR resource = '')) THEN 1 ELSE 0 END) AS errors,"
                            + " COUNT(DISTINCT CASE WHEN type IN ('stream', 'recording')"
                            + " THEN recording_id END) AS recordings,"
                            + " SUM(CASE WHEN type = 'session' AND flag = 'recording_incomplete'"
                            + " THEN 1 ELSE 0 END) AS incomplete"
                            + " FROM session_events WHERE session_id IN (<ids>) GROUP BY session_id")
                    .bindList("ids", ids)
                    .reduceRows(
                        new HashMap<String, SessionSummary>(),
                        (map, row) -> {
                          map.put(
                              row.getColumn("session_id", String.class),
                              new SessionSummary(
                                  0,
                                  row.getColumn("commands", Long.class).intValue(),
                                  row.getColumn("requests", Long.class).intValue(),
                                  row.getColumn("bytes_in", Long.class),
                                  row.getColumn("bytes_out", Long.class),
                                  row.getColumn("errors", Long.class).intValue(),
                                  row.getColumn("recordings", Long.class).intValue(),
                                  row.getColumn("incomplete", Long.class) > 0));
                          return map;
                        }));
  }

  private static SessionSummary withDuration(SessionSummary s, SessionView session, Instant now) {
    Instant end = session.endedAt() != null ? session.endedAt() : earlier(now, session.expiresAt());
    long duration = Math.max(0, Duration.between(session.createdAt(), end).toMillis());
    return new SessionSummary(
        duration,
        s.commands(),
        s.requests(),
        s.bytesIn(),
        s.bytesOut(),
        s.errors(),
        s.recordings(),
        s.recordingIncomplete());
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static SessionView withSummary(SessionView s, SessionSummary summary) {
    return new SessionView(
        s.id(),
        s.user(),
        s.resource(),
        s.account(),
        s.gatewayId(),
        s.gateway(),
        s.reason(),
        s.status(),
        s.createdAt(),
        s.firstSeenAt(),
        s.expiresAt(),
        s.endedAt(),
        s.endReason(),
        s.endedBy(),
        s.clientAddress(),
        s.clientAgent(),
        s.requestId(),
        s.breakGlass(),
        s.mfa(),
        summary);
  }
}
