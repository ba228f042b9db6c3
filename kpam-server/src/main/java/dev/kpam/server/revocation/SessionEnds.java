package dev.kpam.server.revocation;

import dev.kpam.server.approvals.AccountAccess;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.gateways.GatewayEvents;
import dev.kpam.server.notify.Notifications;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Moves a session from ACTIVE to its final status exactly once, inside the caller's transaction:
 * the conditional UPDATE decides between racing callers and replicas, and only the winner tells the
 * session's gateway (the push channel) and writes the audit record. The caller calls {@link
 * #committed} after its transaction commits so that the push goes out at once.
 *
 * <pre>{@code
 * boolean won = db.jdbi().inTransaction(h -> ends.end(h, id, "TERMINATED", "session.terminate", admin, "incident 42"));
 * if (won) ends.committed();
 * }</pre>
 */
public final class SessionEnds {
  private final GatewayEvents events;
  private final AuditLog audit;
  private final Notifications notifications;
  private final Clock clock;

  public SessionEnds(
      GatewayEvents events, AuditLog audit, Notifications notifications, Clock clock) {
    this.events = events;
    this.audit = audit;
    this.notifications = notifications;
    this.clock = clock;
  }

  /**
   * ACTIVE → {@code status} (ENDED, TERMINATED or EXPIRED); false when the session was not ACTIVE.
   * {@code actor} is who caused it: recorded as {@code ended_by} unless it is the system. A session
   * whose time has already run out ends EXPIRED whoever gets to it first: a revocation that comes
   * with the end of its window (an approved request's) reads as what it was, not as a termination.
   */
  public boolean end(
      Handle h, String sessionId, String status, String action, Actor actor, String reason) {
    if (status.equals("TERMINATED") && expired(h, sessionId)) {
      status = "EXPIRED";
      action = "session.expire";
      actor = Actor.SYSTEM;
      reason = "the session's time ran out";
    }
    int updated =
        h.createUpdate(
                "UPDATE sessions SET status = :status, ended_at = :t, end_reason = :reason,"
                    + " ended_by = :by WHERE id = :id AND status = 'ACTIVE'")
            .bind("status", status)
            .bind("t", clock.millis())
            .bind("reason", reason)
            .bind("by", actor == Actor.SYSTEM ? null : actor.name())
            .bind("id", sessionId)
            .execute();
    if (updated == 0) {
      return false;
    }
    Map<String, Object> session =
        h.createQuery(
                "SELECT s.gateway_id, s.user_name, s.resource_name, s.account_name,"
                    + " a.access_rules FROM sessions s LEFT JOIN accounts a ON a.id = s.account_id"
                    + " WHERE s.id = :id")
            .bind("id", sessionId)
            .mapToMap()
            .one();
    events.publish(
        h,
        (String) session.get("gateway_id"),
        "session." + status.toLowerCase(Locale.ROOT),
        sessionId,
        null,
        reason);
    audit.record(h, actor, action, "session:" + sessionId, reason);
    if (status.equals("TERMINATED")) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("session", sessionId);
      data.put("user", session.get("user_name"));
      data.put("account", session.get("resource_name") + "/" + session.get("account_name"));
      data.put("by", actor.name());
      data.put("reason", reason);
      notifications.enqueue(
          h,
          "session.terminated",
          data,
          AccountAccess.webhook(AccountAccess.parse((String) session.get("access_rules"))));
    }
    return true;
  }

  private boolean expired(Handle h, String sessionId) {
    return h.createQuery("SELECT expires_at FROM sessions WHERE id = :id")
        .bind("id", sessionId)
        .mapTo(Long.class)
        .findOne()
        .map(expiresAt -> expiresAt <= clock.millis())
        .orElse(false);
  }

  /** Wakes the push channel after the transaction that ended sessions has committed. */
  public void committed() {
    events.committed();
  }
}
