package dev.kpam.server.identity;

import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.db.Database;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.revocation.Revocations;
import dev.kpam.server.revocation.Revocations.Scope;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Grants to everyone in an identity provider group (docs/IDENTITY.md): an account's grant list
 * names them {@code group:NAME} beside user names. Membership is what the user's last sign-in said,
 * so a user taken out of the group loses the grant at their next sign-in, and removing the group's
 * grant ends the sessions that stood on it.
 *
 * <pre>{@code
 * groupGrants.grant(accountId, "account:prod/admin", "sre", actor);   // Accounts.grant("group:sre")
 * String sql = "SELECT ... WHERE " + GroupGrants.held("a.id", ":u");
 * }</pre>
 */
public final class GroupGrants {
  /** How an account's grant list names a group. */
  public static final String PREFIX = "group:";

  private final Database db;
  private final Revocations revocations;
  private final AuditLog audit;
  private final Clock clock;

  public GroupGrants(Database db, Revocations revocations, AuditLog audit, Clock clock) {
    this.db = db;
    this.revocations = revocations;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * SQL that is true when user {@code user} holds a grant on account {@code account} (both SQL
   * expressions), their own or through one of their groups.
   */
  public static String held(String account, String user) {
    return "(EXISTS (SELECT 1 FROM account_grants ag WHERE ag.account_id = "
        + account
        + " AND ag.user_id = "
        + user
        + ") OR EXISTS (SELECT 1 FROM account_group_grants gg JOIN user_groups ug"
        + " ON ug.group_name = gg.group_name WHERE gg.account_id = "
        + account
        + " AND ug.user_id = "
        + user
        + "))";
  }

  /** The group named by a grant list entry {@code group:NAME}, or null for a user name. */
  public static String groupOf(String entry) {
    return entry != null && entry.startsWith(PREFIX) ? entry.substring(PREFIX.length()) : null;
  }

  /** Grants account {@code accountId} (audited as {@code target}) to group {@code group}. */
  public void grant(String accountId, String target, String group, Actor actor) {
    String name = checked(group);
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate(
                      "INSERT INTO account_group_grants (account_id, group_name, created_at)"
                          + " VALUES (:a, :g, :t) ON CONFLICT (account_id, group_name) DO NOTHING")
                  .bind("a", accountId)
                  .bind("g", name)
                  .bind("t", clock.millis())
                  .execute();
              audit.record(h, actor, "account.grant", target, "group=" + name);
            });
  }

  /** Takes the group's grant away and ends the sessions that stood on it alone. */
  public void revoke(String accountId, String target, String group, Actor actor) {
    int removed =
        db.jdbi()
            .inTransaction(
                h -> {
                  int count =
                      h.createUpdate(
                              "DELETE FROM account_group_grants"
                                  + " WHERE account_id = :a AND group_name = :g")
                          .bind("a", accountId)
                          .bind("g", group)
                          .execute();
                  if (count > 0) {
                    audit.record(h, actor, "account.revoke", target, "group=" + group);
                    revocations.revoke(
                        h, actor, Scope.account(accountId), "grant of group " + group + " removed");
                  }
                  return count;
                });
    if (removed == 0) {
      throw ApiException.notFound("group '" + group + "' has no grant on " + target);
    }
    revocations.committed();
  }

  /**
   * How a user is named in grant and approver lists: their name and {@code group:NAME} for each
   * group their last sign-in gave.
   */
  public static Set<String> entriesOf(Handle h, String userId, String userName) {
    Set<String> entries = new LinkedHashSet<>();
    entries.add(userName);
    h.createQuery("SELECT group_name FROM user_groups WHERE user_id = :u ORDER BY group_name")
        .bind("u", userId)
        .mapTo(String.class)
        .forEach(g -> entries.add(PREFIX + g));
    return entries;
  }

  /** The group name of an entry {@code group:NAME}, checked; a 400 naming {@code field} if bad. */
  public static String checkedEntry(String field, String entry) {
    String name = groupOf(entry);
    if (name == null || name.isBlank() || name.length() > 255) {
      throw ApiException.invalid(
          field, "'" + entry + "'", "group:NAME with a group name of 1-255 characters");
    }
    return name;
  }

  private static String checked(String group) {
    String name = group == null ? "" : group.trim();
    if (name.isEmpty() || name.length() > 255) {
      throw ApiException.invalid(
          "group",
          group == null ? "missing" : "'" + group + "'",
          "a group name of 1-255 characters");
    }
    return name;
  }
}
