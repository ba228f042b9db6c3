package dev.kpam.server.audit;

import dev.kpam.protocol.audit.AuditEventView;
import dev.kpam.server.db.Database;
import dev.kpam.server.db.Millis;
import dev.kpam.server.http.Requests.Page;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: who did what to which thing, when and from where. Every login, failed login and
 * change is recorded; nothing secret is ever written here.
 *
 * <pre>{@code
 * audit.record(Actor.user("alice", "10.0.0.7"), "resource.create", "resource:prod", null);
 * }</pre>
 */
public final class AuditLog {
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
  private final Database db;
  private final Clock clock;

  public AuditLog(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Who acted: a user name, {@code gateway:NAME} or {@code system}, and their address. */
  public record Actor(String name, String sourceAddress) {
    public static final Actor SYSTEM = new Actor("system", null);

    public static Actor of(String name, String sourceAddress) {
      return new Actor(name, sourceAddress);
    }
  }

  public void record(Actor actor, String action, String target, String details) {
    db.jdbi().useHandle(h -> record(h, actor, action, target, details));
  }

  /** Records inside a caller's transaction, so the change and its record commit together. */
  public void record(Handle handle, Actor actor, String action, String target, String details) {
    log.info(
        "audit: {} {} {}{}",
        actor.name(),
        action,
        target == null ? "-" : target,
        details == null ? "" : " (" + details + ")");
    handle
        .createUpdate(
            "INSERT INTO audit_events (event_time, actor, action, target, source_address, details)"
                + " VALUES (:time, :actor, :action, :target, :source, :details)")
        .bind("time", clock.millis())
        .bind("actor", actor.name())
        .bind("action", action)
        .bind("target", target)
        .bind("source", actor.sourceAddress())
        .bind("details", details)
        .execute();
  }

  /** Filters of {@link #list}; null means any. */
  public record Filter(String actor, String action, String target, Instant since, Instant until) {}

  /** Newest first. */
  public List<AuditEventView> list(Filter filter, Page page) {
    StringBuilder sql = new StringBuilder("SELECT * FROM audit_events WHERE 1=1");
    if (filter.actor() != null) sql.append(" AND actor = :actor");
    if (filter.action() != null) sql.append(" AND action = :action");
    if (filter.target() != null) sql.append(" AND target = :target");
    if (filter.since() != null) sql.append(" AND event_time >= :since");
    if (filter.until() != null) sql.append(" AND event_time < :until");
    sql.append(" ORDER BY id DESC LIMIT :limit OFFSET :offset");
    return db.jdbi()
        .withHandle(
            h -> {
              Query query = h.createQuery(sql.toString());
              query
                  .bind("actor", filter.actor())
                  .bind("action", filter.action())
                  .bind("target", filter.target())
                  .bind("since", Millis.of(filter.since()))
                  .bind("until", Millis.of(filter.until()))
                  .bind("limit", page.limit())
                  .bind("offset", page.offset());
              return query
                  .map(
                      (rs, ctx) ->
                          new AuditEventView(
                              rs.getLong("id"),
                              Millis.instant(rs.getLong("event_time")),
                              rs.getString("actor"),
                              rs.getString("action"),
                              rs.getString("target"),
                              rs.getString("source_address"),
                              rs.getString("details")))
                  .list();
            });
  }
}
