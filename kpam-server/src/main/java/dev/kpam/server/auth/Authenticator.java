package dev.kpam.server.auth;

import dev.kpam.crypto.passwords.PasswordHasher;
import dev.kpam.crypto.secrets.SecretTokens;
import dev.kpam.protocol.GoDuration;
import dev.kpam.protocol.auth.ApiTokenView;
import dev.kpam.protocol.auth.CreatedApiToken;
import dev.kpam.protocol.auth.LoginResponse;
import dev.kpam.server.Ids;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.auth.throttle.LoginThrottle;
import dev.kpam.server.db.Database;
import dev.kpam.server.db.Millis;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.users.Users;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Who is calling: password login (throttled after repeated failures), opaque API tokens stored only
 * as SHA-256 hashes, expiring and revocable.
 *
 * <pre>{@code
 * LoginResponse login = auth.login("alice", password, "10.0.0.7");
 * Principal me = auth.user(ctx);   // from "Authorization: Bearer kpam_…"
 * }</pre>
 */
public final class Authenticator {
  static final Duration LOGIN_TOKEN_TTL = Duration.ofHours(12);
  static final Duration UI_SESSION_TTL = Duration.ofHours(12);
  static final Duration MAX_TOKEN_TTL = Duration.ofDays(366);
  private static final String TOKEN_PREFIX = "kpam";

  private final Database db;
  private final Users users;
  private final PasswordHasher hasher;
  private final Clock clock;
  private final Ids ids;
  private final AuditLog audit;
  private final LoginThrottle throttle;

  /** Whether a user may sign in with a password (single sign-on can switch it off). */
  private final Predicate<String> passwordAllowed;

  /** What a person whose password sign-in is off is told to use instead. */
  private final String passwordOffHint;

  /** Checked for unknown names, so that the answer takes as long as for a known one. */
  private final String decoyHash;

  public Authenticator(
      Database db,
      Users users,
      PasswordHasher hasher,
      Clock clock,
      Ids ids,
      AuditLog audit,
      LoginThrottle throttle) {
    this(db, users, hasher, clock, ids, audit, throttle, name -> true, null);
  }

  /**
   * With password sign-in only for those {@code passwordAllowed} lets through; the others are told
   * to use {@code passwordOffHint} ("sign in with Okta").
   */
  public Authenticator(
      Database db,
      Users users,
      PasswordHasher hasher,
      Clock clock,
      Ids ids,
      AuditLog audit,
      LoginThrottle throttle,
      Predicate<String> passwordAllowed,
      String passwordOffHint) {
    this.passwordAllowed = passwordAllowed;
    this.passwordOffHint = passwordOffHint;
    this.db = db;
    this.users = users;
    this.hasher = hasher;
    this.clock = clock;
    this.ids = ids;
    this.audit = audit;
    this.throttle = throttle;
    this.decoyHash = hasher.hash("decoy-password-never-used".toCharArray());
  }

  public LoginResponse login(String username, String password, String sourceAddress) {
    return login(username, password, sourceAddress, "login", LOGIN_TOKEN_TTL);
  }

  /**
   * A web UI sign-in: the same check and throttling as {@link #login}, issuing a token of kind
   * {@code ui} that the UI keeps in its session cookie.
   */
  public LoginResponse uiLogin(String username, String password, String sourceAddress) {
    return login(username, password, sourceAddress, "ui", UI_SESSION_TTL);
  }

  private LoginResponse login(
      String username, String password, String sourceAddress, String kind, Duration ttl) {
    String name = username == null ? "" : username.trim();
    Actor actor = Actor.of(name.isEmpty() ? "-" : name, sourceAddress);
    Duration wait = throttle.admit(name, sourceAddress);
    if (!wait.isZero()) {
      // Before any password check, and the same for known and unknown names.
      audit.record(actor, "auth.login.throttled", "user:" + name, "retry in " + wait);
      throw ApiException.tooManyAttempts(
          "too many failed sign-ins; try again in " + wait.toSeconds() + " s", wait);
    }
    if (!passwordAllowed.test(name)) {
      audit.record(actor, "auth.login.refused", "user:" + name, "password sign-in is off");
      throw new ApiException(
          403,
          "password_sign_in_off",
          "password sign-in is off on this server; " + passwordOffHint);
    }
    Optional<Users.Account> account = users.account(name);
    char[] given = password == null ? new char[0] : password.toCharArray();
    boolean matches;
    if (account.isPresent() && account.get().passwordHash().startsWith("!")) {
      // A user of the identity provider: no password is theirs, and the answer takes as long.
      hasher.verify(given, decoyHash);
      matches = false;
    } else if (account.isPresent()) {
      matches = hasher.verify(given, account.get().passwordHash());
    } else {
      hasher.verify(given, decoyHash);
      matches = false;
    }
    if (!matches || account.get().disabled()) {
      String why =
          account.isEmpty() ? "unknown user" : matches ? "user disabled" : "wrong password";
      audit.record(actor, "auth.login.failed", "user:" + name, why);
      throw new ApiException(401, "invalid_credentials", "wrong user name or password");
    }
    throttle.succeeded(name, sourceAddress);
    Users.Account user = account.get();
    Issued issued = issue(user.id(), kind, kind, ttl);
    audit.record(actor, "auth.login", "user:" + name, "ui".equals(kind) ? "web UI" : null);
    return new LoginResponse(issued.token(), issued.view().expiresAt(), users.get(user.name()));
  }

  /**
   * A token for {@code userName}, whom single sign-on has just vouched for: of kind {@code ui} for
   * the web UI's cookie, else a login token as {@code kpam login} gets.
   */
  public LoginResponse issueSignedIn(String userName, boolean ui) {
    Users.Account user =
        users.account(userName).orElseThrow(() -> ApiException.unauthenticated("unknown user"));
    String kind = ui ? "ui" : "login";
    Issued issued = issue(user.id(), kind, kind, ui ? UI_SESSION_TTL : LOGIN_TOKEN_TTL);
    return new LoginResponse(issued.token(), issued.view().expiresAt(), users.get(user.name()));
  }

  /** The user behind the request's bearer token, or a 401. */
  public Principal user(Context ctx) {
    return user(bearer(ctx), ctx.ip());
  }

  /** The user behind an opaque token (bearer or UI session cookie), or a 401. */
  public Principal user(String token, String sourceAddress) {
    String hash = SecretTokens.sha256Hex(token);
    long now = clock.millis();
    record Row(
        String tokenId,
        String userId,
        String name,
        String role,
        boolean disabled,
        long expiresAt,
        Instant revokedAt,
        Instant lastUsedAt) {}
    Row row =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT t.id AS token_id, t.expires_at, t.revoked_at, t.last_used_at,"
                                + " u.id AS user_id, u.name, u.role, u.disabled"
                                + " FROM api_tokens t JOIN users u ON u.id = t.user_id"
                                + " WHERE t.token_hash = :hash")
                        .bind("hash", hash)
                        .map(
                            (rs, c) ->
                                new Row(
                                    rs.getString("token_id"),
                                    rs.getString("user_id"),
                                    rs.getString("name"),
                                    rs.getString("role"),
                                    rs.getBoolean("disabled"),
                                    rs.getLong("expires_at"),
                                    Millis.nullable(rs, "revoked_at"),
                                    Millis.nullable(rs, "last_used_at")))
                        .findOne())
            .orElseThrow(() -> ApiException.unauthenticated("unknown API token; log in again"));
    if (row.revokedAt() != null) {
      throw ApiException.unauthenticated("this API token was revoked; log in again");
    }
    if (row.expiresAt() <= now) {
      throw ApiException.unauthenticated("this API token has expired; log in again");
    }
    if (row.disabled()) {
      throw ApiException.unauthenticated("user '" + row.name() + "' is disabled");
    }
    if (row.lastUsedAt() == null || now - row.lastUsedAt().toEpochMilli() > 60_000) {
      db.jdbi()
          .useHandle(
              h ->
                  h.createUpdate("UPDATE api_tokens SET last_used_at = :t WHERE id = :id")
                      .bind("t", now)
                      .bind("id", row.tokenId())
                      .execute());
    }
    return new Principal(
        row.userId(), row.name(), Role.parse("role", row.role()), row.tokenId(), sourceAddress);
  }

  /** The caller must be an admin. */
  public Principal admin(Context ctx) {
    Principal principal = user(ctx);
    if (!principal.isAdmin()) {
      throw ApiException.forbidden("this needs the admin role");
    }
    return principal;
  }

  public void logout(Principal principal) {
    revoke(principal.tokenId());
    audit.record(principal.actor(), "auth.logout", "user:" + principal.name(), null);
  }

  public CreatedApiToken createToken(Principal principal, String name, String ttlText) {
    String tokenName = name == null || name.isBlank() ? "api" : name.trim();
    if (tokenName.length() > 100) {
      throw ApiException.invalid("name", tokenName.length() + " characters", "at most 100");
    }
    Duration ttl;
    try {
      ttl = ttlText == null ? Duration.ofDays(30) : GoDuration.parse(ttlText);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("ttl", ttlText, "a duration such as 24h or 720h");
    }
    if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(MAX_TOKEN_TTL) > 0) {
      throw ApiException.invalid("ttl", ttlText, "between 1m and 8784h");
    }
    Issued issued = issue(principal.userId(), tokenName, "api", ttl);
    audit.record(
        principal.actor(), "token.create", "token:" + issued.view().id(), "name=" + tokenName);
    return new CreatedApiToken(issued.view(), issued.token());
  }

  public List<ApiTokenView> tokens(Principal principal) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT * FROM api_tokens WHERE user_id = :u AND revoked_at IS NULL"
                            + " AND expires_at > :now ORDER BY created_at")
                    .bind("u", principal.userId())
                    .bind("now", clock.millis())
                    .map(
                        (rs, c) ->
                            new ApiTokenView(
                                rs.getString("id"),
                                rs.getString("name"),
                                rs.getString("kind"),
                                Millis.instant(rs.getLong("created_at")),
                                Millis.instant(rs.getLong("expires_at")),
                                Millis.nullable(rs, "last_used_at")))
                    .list());
  }

  public void revokeToken(Principal principal, String tokenId) {
    String owner =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT user_id FROM api_tokens WHERE id = :id")
                        .bind("id", tokenId)
                        .mapTo(String.class)
                        .findOne())
            .filter(userId -> principal.isAdmin() || userId.equals(principal.userId()))
            .orElseThrow(() -> ApiException.notFound("token '" + tokenId + "' not found"));
    revoke(tokenId);
    audit.record(principal.actor(), "token.revoke", "token:" + tokenId, "owner=" + owner);
  }

  private void revoke(String tokenId) {
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "UPDATE api_tokens SET revoked_at = :t WHERE id = :id AND revoked_at IS NULL")
                    .bind("t", clock.millis())
                    .bind("id", tokenId)
                    .execute());
  }

  private record Issued(ApiTokenView view, String token) {}

  private Issued issue(String userId, String name, String kind, Duration ttl) {
    String token = SecretTokens.generate(TOKEN_PREFIX);
    String id = ids.next();
    Instant now = clock.instant();
    Instant expires = now.plus(ttl);
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO api_tokens (id, user_id, name, kind, token_hash, created_at,"
                            + " expires_at) VALUES (:id, :u, :name, :kind, :hash, :t, :exp)")
                    .bind("id", id)
                    .bind("u", userId)
                    .bind("name", name)
                    .bind("kind", kind)
                    .bind("hash", SecretTokens.sha256Hex(token))
                    .bind("t", now.toEpochMilli())
                    .bind("exp", expires.toEpochMilli())
                    .execute());
    return new Issued(new ApiTokenView(id, name, kind, now, expires, null), token);
  }

  /** The bearer token of the request, or a 401 that says what is missing. */
  public static String bearer(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      throw ApiException.unauthenticated("missing Authorization: Bearer token; log in first");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      throw ApiException.unauthenticated("the Authorization header must be 'Bearer <token>'");
    }
    return header.substring(7).trim();
  }
}
