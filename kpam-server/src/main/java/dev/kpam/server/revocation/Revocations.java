package dev.kpam.server.revocation;

import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.identity.GroupGrants;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Ends the sessions whose authorisation was taken away. A session is bound to what authorised it:
 * its user (existing, enabled, an admin or holding a grant on the account), the account by its id,
 * the account's resource, that resource's gateway, and the approved access request it was opened
 * under, if any. {@code why} says which of these no longer holds; {@link #revoke} runs in the
 * transaction of the change that took access away and terminates every affected ACTIVE session with
 * a reason naming the change and who made it ("access revoked: grant removed by admin"). The
 * gateways hear of it through the push channel, and their lookups ask the same question again
 * ({@link #enforce}), for a push that was lost.
 *
 * <pre>{@code
 * db.jdbi().useTransaction(h -> {
 *   h.createUpdate("DELETE FROM account_grants ...").execute();
 *   revocations.revoke(h, admin, Scope.grant(accountId, userId), "grant removed");
 * });
 * revocations.committed();
 * }</pre>
 */
public final class Revocations {
  static final String ACTION = "session.revoke";
  private static final String PREFIX = "access revoked: ";

  private static final String SELECT =
      "SELECT s.id, s.user_name, s.resource_name, s.account_name, s.gateway_id, s.gateway_name,"
          + " u.id AS user_row, u.disabled, u.role, a.id AS account_row,"
          + " a.resource_id AS account_resource, r.id AS resource_row,"
          + " r.gateway_id AS resource_gateway, rg.name AS resource_gateway_name,"
          + " g.id AS gateway_row, s.request_id, q.status AS request_status,"
          + " q.decided_by AS request_decided_by,"
          + " CASE WHEN "
          + GroupGrants.held("s.account_id", "s.user_id")
          + " THEN 1 ELSE 0 END AS grants"
          + " FROM sessions s"
          + " LEFT JOIN users u ON u.id = s.user_id"
          + " LEFT JOIN accounts a ON a.id = s.account_id"
          + " LEFT JOIN resources r ON r.id = s.resource_id"
          + " LEFT JOIN gateways rg ON rg.id = r.gateway_id"
          + " LEFT JOIN gateways g ON g.id = s.gateway_id"
          + " LEFT JOIN access_requests q ON q.id = s.request_id"
          + " WHERE s.status = 'ACTIVE'";

  private final SessionEnds ends;

  public Revocations(SessionEnds ends) {
    this.ends = ends;
  }

  /**
   * Which ACTIVE sessions a change may affect: a condition on the {@code sessions} row {@code s}.
   */
  public record Scope(String condition, String first, String second) {
    public static Scope user(String userId) {
      return new Scope("s.user_id = :first", userId, null);
    }

    public static Scope grant(String accountId, String userId) {
      return new Scope("s.account_id = :first AND s.user_id = :second", accountId, userId);
    }

    public static Scope account(String accountId) {
      return new Scope("s.account_id = :first", accountId, null);
    }

    public static Scope resource(String resourceId) {
      return new Scope("s.resource_id = :first", resourceId, null);
    }

    public static Scope gateway(String gatewayId) {
      return new Scope("s.gateway_id = :first", gatewayId, null);
    }

    public static Scope request(String requestId) {
      return new Scope("s.request_id = :first", requestId, null);
    }

    static Scope session(String sessionId) {
      return new Scope("s.id = :first", sessionId, null);
    }
  }

  /**
   * Terminates every ACTIVE session in {@code scope} that is no longer authorised, with the reason
   * "access revoked: {@code change} by {@code actor}"; returns their ids. Runs inside the caller's
   * transaction, after the change itself; call {@link #committed} once it has committed.
   */
  public List<String> revoke(Handle h, Actor actor, Scope scope, String change) {
    String reason = PREFIX + change + (actor == Actor.SYSTEM ? "" : " by " + actor.name());
    List<String> revoked = new ArrayList<>();
    for (Binding binding : bindings(h, scope)) {
      if (binding.broken().isPresent()
          && ends.end(h, binding.sessionId(), "TERMINATED", ACTION, actor, reason)) {
        revoked.add(binding.sessionId());
      }
    }
    return revoked;
  }

  /**
   * Why the ACTIVE session {@code sessionId} is no longer authorised ("access revoked: user alice
   * disabled"), or empty while it is (or when it is not ACTIVE).
   */
  private Optional<String> why(Handle h, String sessionId) {
    return bindings(h, Scope.session(sessionId)).stream()
        .findFirst()
        .flatMap(Binding::broken)
        .map(broken -> PREFIX + broken);
  }

  /**
   * Terminates the ACTIVE session if it is no longer authorised (a push may have been lost, or the
   * change raced the session's creation); returns the reason when it did or when another caller
   * just did.
   */
  public Optional<String> enforce(Handle h, String sessionId) {
    Optional<String> why = why(h, sessionId);
    why.ifPresent(reason -> ends.end(h, sessionId, "TERMINATED", ACTION, Actor.SYSTEM, reason));
    return why;
  }

  /** Wakes the push channel after the transaction that revoked sessions has committed. */
  public void committed() {
    ends.committed();
  }

  private static List<Binding> bindings(Handle h, Scope scope) {
    return h.createQuery(SELECT + " AND " + scope.condition())
        .bind("first", scope.first())
        .bind("second", scope.second())
        .map((rs, c) -> Binding.of(rs))
        .list();
  }

  /** What an ACTIVE session was authorised by, as it stands now. */
  private record Binding(
      String sessionId,
      String user,
      String resource,
      String account,
      String gatewayName,
      boolean userExists,
      boolean userDisabled,
      boolean admin,
      boolean accountExists,
      boolean accountOnResource,
      boolean resourceExists,
      boolean resourceOnGateway,
      String resourceGatewayName,
      boolean gatewayExists,
      boolean granted,
      String requestId,
      String requestStatus,
      String requestDecidedBy) {
    static Binding of(ResultSet rs) throws SQLException {
      String resourceId = rs.getString("resource_row");
      String resourceGateway = rs.getString("resource_gateway");
      return new Binding(
          rs.getString("id"),
          rs.getString("user_name"),
          rs.getString("resource_name"),
          rs.getString("account_name"),
          rs.getString("gateway_name"),
          rs.getString("user_row") != null,
          rs.getBoolean("disabled"),
          "admin".equals(rs.getString("role")),
          rs.getString("account_row") != null,
          resourceId != null && resourceId.equals(rs.getString("account_resource")),
          resourceId != null,
          rs.getString("gateway_id").equals(resourceGateway),
          rs.getString("resource_gateway_name"),
          rs.getString("gateway_row") != null,
          rs.getLong("grants") > 0,
          rs.getString("request_id"),
          rs.getString("request_status"),
          rs.getString("request_decided_by"));
    }

    /** The first broken link, from the user down to the gateway, as a past event. */
    Optional<String> broken() {
      if (!userExists) return Optional.of("user " + user + " deleted");
      if (userDisabled) return Optional.of("user " + user + " disabled");
      if (!gatewayExists) return Optional.of("gateway " + gatewayName + " deleted");
      if (!resourceExists) return Optional.of("resource " + resource + " deleted");
      if (!accountExists || !accountOnResource) {
        return Optional.of("account " + resource + "/" + account + " deleted");
      }
      if (!resourceOnGateway) {
        return Optional.of("resource " + resource + " moved to gateway " + resourceGatewayName);
      }
      if (!admin && !granted) return Optional.of("no grant on " + resource + "/" + account);
      if (requestId != null && !"APPROVED".equals(requestStatus)) {
        String status = requestStatus == null ? "deleted" : requestStatus.toLowerCase(Locale.ROOT);
        return Optional.of(
            "request "
                + requestId
                + " "
                + status
                + (requestDecidedBy == null || "EXPIRED".equals(requestStatus)
                    ? ""
                    : " by " + requestDecidedBy));
      }
      return Optional.empty();
    }
  }
}
