package dev.kpam.server.users;

import dev.kpam.crypto.passwords.PasswordHasher;
import dev.kpam.protocol.users.CreateUserRequest;
import dev.kpam.protocol.users.UpdateUserRequest;
import dev.kpam.protocol.users.UserView;
import dev.kpam.server.Ids;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.auth.Role;
import dev.kpam.server.db.Database;
import dev.kpam.server.db.Millis;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.revocation.Revocations;
import dev.kpam.server.revocation.Revocations.Scope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Users and their passwords (Argon2id). The first start creates {@code admin}.
 *
 * <pre>{@code
 * UserView bob = users.create(new CreateUserRequest("bob", "member", pw), admin.actor());
 * }</pre>
 */
public final class Users {
  private static final String COLUMNS =
      "id, name, role, disabled, created_at, idp_issuer, display_name, email";

  private final Database db;
  private final PasswordHasher hasher;
  private final Clock clock;
  private final Ids ids;
  private final AuditLog audit;
  private final Revocations revocations;

  public Users(
      Database db,
      PasswordHasher hasher,
      Clock clock,
      Ids ids,
      AuditLog audit,
      Revocations revocations) {
    this.db = db;
    this.revocations = revocations;
    this.hasher = hasher;
    this.clock = clock;
    this.ids = ids;
    this.audit = audit;
  }

  /** A stored user with what login needs. */
  public record Account(String id, String name, Role role, boolean disabled, String passwordHash) {}

  public UserView create(CreateUserRequest request, Actor actor) {
    String name = Names.user("name", request.name());
    Role role = Role.parse("role", request.role());
    String hash = hasher.hash(checkedPassword(name, request.password()).toCharArray());
    String id = ids.next();
    long now = clock.millis();
    return db.jdbi()
        .inTransaction(
            h -> {
              if (h.createQuery("SELECT 1 FROM users WHERE name = :n")
                  .bind("n", name)
                  .mapTo(Integer.class)
                  .findOne()
                  .isPresent()) {
                throw ApiException.alreadyExists("user '" + name + "' already exists");
              }
              h.createUpdate(
                      "INSERT INTO users (id, name, role, password_hash, disabled, created_at,"
                          + " updated_at) VALUES (:id, :name, :role, :hash, FALSE, :t, :t)")
                  .bind("id", id)
                  .bind("name", name)
                  .bind("role", role.wireName())
                  .bind("hash", hash)
                  .bind("t", now)
                  .execute();
              audit.record(h, actor, "user.create", "user:" + name, "role=" + role.wireName());
              return new UserView(id, name, role.wireName(), false, Millis.instant(now));
            });
  }

  /**
   * Creates the first admin if there is no user at all; true when it did. Of replicas starting at
   * once on an empty database one makes it; the others find it (their insert loses) and go on.
   */
  public boolean bootstrapAdmin(String password) {
    if (count() > 0) {
      return false;
    }
    try {
      create(new CreateUserRequest("admin", "admin", password), Actor.SYSTEM);
      return true;
    } catch (RuntimeException e) {
      if (count() > 0) {
        return false;
      }
      throw e;
    }
  }

  public long count() {
    return db.jdbi()
        .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users").mapTo(Long.class).one());
  }

  public List<UserView> list() {
    return db.jdbi()
        .withHandle(
            h -> {
              Map<String, List<String>> groups = new HashMap<>();
              h.createQuery("SELECT user_id, group_name FROM user_groups ORDER BY group_name")
                  .map((rs, c) -> Map.entry(rs.getString("user_id"), rs.getString("group_name")))
                  .forEach(
                      e ->
                          groups
                              .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                              .add(e.getValue()));
              return h.createQuery("SELECT " + COLUMNS + " FROM users ORDER BY name")
                  .map((rs, c) -> view(rs, groups.getOrDefault(rs.getString("id"), List.of())))
                  .list();
            });
  }

  public UserView get(String name) {
    return find(name).orElseThrow(() -> ApiException.notFound("user '" + name + "' not found"));
  }

  public Optional<UserView> find(String name) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT " + COLUMNS + " FROM users WHERE name = :n")
                    .bind("n", name)
                    .map((rs, c) -> view(rs, List.of()))
                    .findOne()
                    .map(
                        u ->
                            new UserView(
                                u.id(),
                                u.name(),
                                u.role(),
                                u.disabled(),
                                u.createdAt(),
                                u.source(),
                                u.displayName(),
                                u.email(),
                                groups(h, u.id()))));
  }

  private static List<String> groups(Handle h, String userId) {
    return h.createQuery(
            "SELECT group_name FROM user_groups WHERE user_id = :u ORDER BY group_name")
        .bind("u", userId)
        .mapTo(String.class)
        .list();
  }

  /** What login needs to check a password; empty for an unknown name. */
  public Optional<Account> account(String name) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT id, name, role, disabled, password_hash FROM users WHERE name = :n")
                    .bind("n", name)
                    .map(
                        (rs, c) ->
                            new Account(
                                rs.getString("id"),
                                rs.getString("name"),
                                Role.parse("role", rs.getString("role")),
                                rs.getBoolean("disabled"),
                                rs.getString("password_hash")))
                    .findOne());
  }

  public UserView update(String name, UpdateUserRequest request, Actor actor) {
    UserView current = get(name);
    String role =
        request.role() == null ? current.role() : Role.parse("role", request.role()).wireName();
    boolean disabled = request.disabled() == null ? current.disabled() : request.disabled();
    String hash =
        request.password() == null
            ? null
            : hasher.hash(checkedPassword(name, request.password()).toCharArray());
    if (name.equals(actor.name())
        && (disabled || !"admin".equals(role))
        && "admin".equals(current.role())) {
      throw ApiException.conflict("you cannot disable yourself or take away your own admin role");
    }
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate(
                      "UPDATE users SET role = :role, disabled = :disabled,"
                          + " password_hash = COALESCE(:hash, password_hash), updated_at = :t"
                          + " WHERE id = :id")
                  .bind("role", role)
                  .bind("disabled", disabled)
                  .bind("hash", hash)
                  .bind("t", clock.millis())
                  .bind("id", current.id())
                  .execute();
              if (disabled || hash != null) {
                // A disabled user or a changed password ends every login of that user.
                h.createUpdate(
                        "UPDATE api_tokens SET revoked_at = :t WHERE user_id = :id AND revoked_at IS NULL")
                    .bind("t", clock.millis())
                    .bind("id", current.id())
                    .execute();
              }
              StringBuilder details = new StringBuilder();
              if (request.role() != null) details.append("role=").append(role).append(' ');
              if (request.disabled() != null)
                details.append("disabled=").append(disabled).append(' ');
              if (hash != null) details.append("password changed");
              audit.record(h, actor, "user.update", "user:" + name, details.toString().trim());
              if (disabled && !current.disabled()) {
                revocations.revoke(
                    h, actor, Scope.user(current.id()), "user " + name + " disabled");
              } else if (!role.equals(current.role())) {
                revocations.revoke(
                    h, actor, Scope.user(current.id()), "role of " + name + " changed to " + role);
              }
            });
    revocations.committed();
    return get(name);
  }

  /**
   * Deletes the user. Their API tokens and grants go with them (ON DELETE CASCADE); sessions keep
   * {@code user_id} and {@code user_name} as history. Refused with 409 for the caller's own account
   * and for the last enabled admin, so that someone can always administer the server.
   */
  public void delete(String name, Actor actor) {
    if (name.equals(actor.name())) {
      throw ApiException.conflict(
          "you cannot delete yourself; another admin can delete user '" + name + "'");
    }
    db.jdbi()
        .useTransaction(
            h -> {
              UserView user =
                  h.createQuery("SELECT " + COLUMNS + " FROM users WHERE name = :n")
                      .bind("n", name)
                      .map((rs, c) -> view(rs, List.of()))
                      .findOne()
                      .orElseThrow(() -> ApiException.notFound("user '" + name + "' not found"));
              if ("admin".equals(user.role()) && !user.disabled()) {
                // Touching the enabled admins locks their rows (PostgreSQL) or the database
                // (SQLite), so two admins deleting each other at once cannot both succeed.
                int enabledAdmins =
                    h.createUpdate(
                            "UPDATE users SET updated_at = updated_at"
                                + " WHERE role = 'admin' AND disabled = FALSE")
                        .execute();
                if (enabledAdmins <= 1) {
                  throw ApiException.conflict(
                      "user '"
                          + name
                          + "' is the last enabled admin; make another user admin first");
                }
              }
              h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", user.id()).execute();
              audit.record(h, actor, "user.delete", "user:" + name, "role=" + user.role());
              revocations.revoke(h, actor, Scope.user(user.id()), "user " + name + " deleted");
            });
    revocations.committed();
  }

  private static String checkedPassword(String name, String password) {
    return Passwords.check(name, password);
  }

  private static UserView view(ResultSet rs, List<String> groups) throws SQLException {
    return new UserView(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("role"),
        rs.getBoolean("disabled"),
        Millis.instant(rs.getLong("created_at")),
        rs.getString("idp_issuer") == null ? "local" : "sso",
        rs.getString("display_name"),
        rs.getString("email"),
        groups);
  }
}
