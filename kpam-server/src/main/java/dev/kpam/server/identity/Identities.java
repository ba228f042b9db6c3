package dev.kpam.server.identity;

import dev.kpam.server.Ids;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.db.Database;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.revocation.Revocations;
import dev.kpam.server.revocation.Revocations.Scope;
import dev.kpam.server.users.Names;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * The users an identity provider vouches for (docs/IDENTITY.md): created at their first sign-in
 * (just in time), linked by issuer and subject, their display name, e-mail and groups taken again
 * at every sign-in, and their role from the admin group when one is configured. A change of groups
 * or role that takes away what an open session stood on ends that session ({@link Revocations}).
 */
final class Identities {
  /** The {@code password_hash} of an SSO user: no password ever verifies against it. */
  static final String NO_PASSWORD = "!sso";

  static final int MAX_GROUPS = 500;

  private final Database db;
  private final Clock clock;
  private final Ids ids;
  private final AuditLog audit;
  private final Revocations revocations;

  Identities(Database db, Clock clock, Ids ids, AuditLog audit, Revocations revocations) {
    this.db = db;
    this.clock = clock;
    this.ids = ids;
    this.audit = audit;
    this.revocations = revocations;
  }

  /** The claims kpam takes from a validated ID token. */
  record Claims(
      String issuer,
      String subject,
      String username,
      String displayName,
      String email,
      List<String> groups) {

    /** The claims of a validated ID token, as {@code settings} name them. */
    static Claims of(OidcSettings settings, OidcProvider.Identity identity) {
      return of(settings, identity.issuer(), identity.subject(), identity.claims().toJSONObject());
    }

    /** Reads the claims that {@code settings} name; refuses a user name kpam cannot use. */
    static Claims of(
        OidcSettings settings, String issuer, String subject, Map<String, Object> all) {
      Object raw = all.get(settings.usernameClaim());
      if (!(raw instanceof String text) || text.isBlank()) {
        throw new SsoException(
            "username_claim",
            "the identity provider sent no '"
                + settings.usernameClaim()
                + "' claim to take the kpam user name from; an admin can name another claim"
                + " (--oidc-claim-username)");
      }
      String name = text.trim().toLowerCase(Locale.ROOT);
      int at = name.indexOf('@');
      if (at > 0) {
        name = name.substring(0, at);
      }
      try {
        Names.user(settings.usernameClaim(), name);
      } catch (ApiException e) {
        throw new SsoException(
            "username_claim",
            "the identity provider's "
                + settings.usernameClaim()
                + " '"
                + text
                + "' cannot be a kpam user name (1-63 lower-case letters, digits, '.', '_' or"
                + " '-'); an admin can name another claim (--oidc-claim-username)");
      }
      return new Claims(
          issuer,
          subject,
          name,
          string(all.get(settings.nameClaim()), 255),
          string(all.get(settings.emailClaim()), 320),
          groups(all.get(settings.groupsClaim())));
    }

    private static String string(Object value, int max) {
      if (!(value instanceof String text) || text.isBlank()) {
        return null;
      }
      return text.length() <= max ? text : text.substring(0, max);
    }

    private static List<String> groups(Object value) {
      TreeSet<String> groups = new TreeSet<>();
      if (value instanceof String one) {
        groups.add(one);
      } else if (value instanceof List<?> many) {
        for (Object group : many) {
          if (group instanceof String text && !text.isBlank() && text.length() <= 255) {
            groups.add(text);
          }
        }
      }
      if (groups.size() > MAX_GROUPS) {
        throw new SsoException(
            "groups_claim",
            "the identity provider sent "
                + groups.size()
                + " groups; kpam takes at most "
                + MAX_GROUPS
                + " (filter the groups claim at the provider)");
      }
      return List.copyOf(groups);
    }
  }

  /** The kpam user an identity was taken into. */
  record Linked(String userId, String name, boolean created, List<String> revokedSessions) {}

  /**
   * Finds or creates the user of {@code claims}, refreshes what the provider says about them and
   * ends open sessions that lost their grounds. Refuses a disabled user and a name that a local
   * user already holds.
   */
  Linked signIn(OidcSettings settings, Claims claims, String sourceAddress) {
    Actor actor = Actor.of(claims.username(), sourceAddress);
    String role = roleOf(settings, claims);
    Linked linked =
        db.jdbi()
            .inTransaction(
                h -> {
                  long now = clock.millis();
                  Optional<Row> found = byIdentity(h, claims);
                  if (found.isEmpty()) {
                    return create(h, claims, role == null ? "member" : role, now, actor);
                  }
                  Row user = found.get();
                  if (user.disabled()) {
                    throw new SsoException(
                        "user_disabled",
                        "user '" + user.name() + "' is disabled in kpam; ask an admin");
                  }
                  h.createUpdate(
                          "UPDATE users SET display_name = :dn, email = :email, signed_in_at = :t"
                              + " WHERE id = :id")
                      .bind("dn", claims.displayName())
                      .bind("email", claims.email())
                      .bind("t", now)
                      .bind("id", user.id())
                      .execute();
                  List<String> revoked = apply(h, user, claims, role, "sign-in");
                  return new Linked(user.id(), user.name(), false, revoked);
                });
    revocations.committed();
    return linked;
  }

  /**
   * Takes what the provider said of a user again without a sign-in (a refresh of their sign-in's
   * tokens); ends their open sessions that lost their grounds. Empty where the provider's answer
   * names another person than the user.
   */
  List<String> refreshed(OidcSettings settings, String userId, Claims claims) {
    String role = roleOf(settings, claims);
    List<String> revoked =
        db.jdbi()
            .inTransaction(
                h -> {
                  Optional<Row> user = byIdentity(h, claims).filter(u -> u.id().equals(userId));
                  return user.isEmpty() ? null : apply(h, user.get(), claims, role, "refresh");
                });
    revocations.committed();
    if (revoked == null) {
      throw new SsoException(
          "refresh_subject", "the identity provider's refreshed ID token is about someone else");
    }
    return revoked;
  }

  /** Groups and role of {@code user} as {@code claims} say; ends sessions that lost grounds. */
  private List<String> apply(Handle h, Row user, Claims claims, String role, String when) {
    List<String> before = groups(h, user.id());
    String newRole = role == null ? user.role() : role;
    boolean groupsChanged = !new TreeSet<>(before).equals(new TreeSet<>(claims.groups()));
    if (!groupsChanged && newRole.equals(user.role())) {
      return List.of();
    }
    h.createUpdate("UPDATE users SET role = :role, updated_at = :t WHERE id = :id")
        .bind("role", newRole)
        .bind("t", clock.millis())
        .bind("id", user.id())
        .execute();
    if (groupsChanged) {
      replaceGroups(h, user.id(), claims.groups());
    }
    audit.record(
        h,
        Actor.SYSTEM,
        "user.sso.update",
        "user:" + user.name(),
        "role=" + newRole + " groups=" + String.join(",", claims.groups()) + " (" + when + ")");
    return revocations.revoke(
        h,
        Actor.SYSTEM,
        Scope.user(user.id()),
        "groups or role of " + user.name() + " changed at the identity provider (" + when + ")");
  }

  private static String roleOf(OidcSettings settings, Claims claims) {
    return settings.adminGroup() == null
        ? null
        : claims.groups().contains(settings.adminGroup()) ? "admin" : "member";
  }

  private record Row(String id, String name, String role, boolean disabled) {}

  private static Optional<Row> byIdentity(Handle h, Claims claims) {
    return h.createQuery(
            "SELECT id, name, role, disabled FROM users"
                + " WHERE idp_issuer = :iss AND idp_subject = :sub")
        .bind("iss", claims.issuer())
        .bind("sub", claims.subject())
        .map(
            (rs, c) ->
                new Row(
                    rs.getString("id"),
                    rs.getString("name"),
                    rs.getString("role"),
                    rs.getBoolean("disabled")))
        .findOne();
  }

  private Linked create(Handle h, Claims claims, String role, long now, Actor actor) {
    boolean taken =
        h.createQuery("SELECT 1 FROM users WHERE name = :n")
            .bind("n", claims.username())
            .mapTo(Integer.class)
            .findOne()
            .isPresent();
    if (taken) {
      // Never by name: whoever controls a name claim at the provider would get that user.
      throw new SsoException(
          "name_taken",
          "the user name '"
              + claims.username()
              + "' belongs to another kpam user (a local one, or one from another sign-in); an"
              + " admin can delete or rename that user");
    }
    String id = ids.next();
    h.createUpdate(
            "INSERT INTO users (id, name, role, password_hash, disabled, created_at, updated_at,"
                + " idp_issuer, idp_subject, display_name, email, signed_in_at)"
                + " VALUES (:id, :name, :role, :hash, FALSE, :t, :t, :iss, :sub, :dn, :email, :t)")
        .bind("id", id)
        .bind("name", claims.username())
        .bind("role", role)
        .bind("hash", NO_PASSWORD)
        .bind("t", now)
        .bind("iss", claims.issuer())
        .bind("sub", claims.subject())
        .bind("dn", claims.displayName())
        .bind("email", claims.email())
        .execute();
    replaceGroups(h, id, claims.groups());
    audit.record(
        h,
        actor,
        "user.sso.create",
        "user:" + claims.username(),
        "role=" + role + " groups=" + String.join(",", claims.groups()));
    return new Linked(id, claims.username(), true, List.of());
  }

  static List<String> groups(Handle h, String userId) {
    return h.createQuery(
            "SELECT group_name FROM user_groups WHERE user_id = :u ORDER BY group_name")
        .bind("u", userId)
        .mapTo(String.class)
        .list();
  }

  private static void replaceGroups(Handle h, String userId, List<String> groups) {
    h.createUpdate("DELETE FROM user_groups WHERE user_id = :u").bind("u", userId).execute();
    if (groups.isEmpty()) {
      return;
    }
    var batch = h.prepareBatch("INSERT INTO user_groups (user_id, group_name) VALUES (:u, :g)");
    for (String group : groups) {
      batch.bind("u", userId).bind("g", group).add();
    }
    batch.execute();
  }
}
