package dev.kpam.server.identity;

import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.db.Database;
import dev.kpam.server.revocation.Revocations;
import dev.kpam.server.revocation.Revocations.Scope;
import dev.kpam.server.secrets.SecretStore;
import dev.kpam.server.secrets.SecretStore.Sealed;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group membership between sign-ins (docs/IDENTITY.md, "Groups"): the refresh token of a user's
 * last sign-in is kept sealed, and every {@link OidcSettings#groupsRefresh()} while the user can
 * act (an open session or a live token) kpam asks the provider again. Groups or a role that changed
 * end the sessions that stood on them, as at a sign-in; a provider that refuses the refresh token
 * (the person was removed, their sign-in revoked) ends all the user's sessions and tokens. A
 * provider that cannot be reached changes nothing: it is asked again the next time.
 *
 * <p>Each due user is taken by one replica: a conditional update moves its {@code checked_at} on.
 */
final class GroupRefresh {
  private static final Logger log = LoggerFactory.getLogger(GroupRefresh.class);
  private static final int BATCH = 50;

  private final OidcProvider provider;
  private final Identities identities;
  private final Database db;
  private final SecretStore secrets;
  private final Revocations revocations;
  private final AuditLog audit;
  private final Clock clock;

  GroupRefresh(
      OidcProvider provider,
      Identities identities,
      Database db,
      SecretStore secrets,
      Revocations revocations,
      AuditLog audit,
      Clock clock) {
    this.provider = provider;
    this.identities = identities;
    this.db = db;
    this.secrets = secrets;
    this.revocations = revocations;
    this.audit = audit;
    this.clock = clock;
  }

  /** Keeps the refresh token of {@code userId}'s sign-in (null: the provider gave none). */
  void keep(String userId, String refreshToken) {
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate("DELETE FROM sso_refresh_tokens WHERE user_id = :u")
                  .bind("u", userId)
                  .execute();
              if (refreshToken == null) {
                return;
              }
              Sealed sealed = seal(userId, refreshToken);
              h.createUpdate(
                      "INSERT INTO sso_refresh_tokens (user_id, key_id, sealed, checked_at)"
                          + " VALUES (:u, :k, :s, :t)")
                  .bind("u", userId)
                  .bind("k", sealed.dataKeyId())
                  .bind("s", sealed.ciphertext())
                  .bind("t", clock.millis())
                  .execute();
            });
  }

  /** Asks the provider about every user who is due; answers how many were asked. */
  int runOnce() {
    long now = clock.millis();
    long due = now - provider.settings().groupsRefresh().toMillis();
    List<Due> users =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT r.user_id, u.name, r.key_id, r.sealed, r.checked_at"
                                + " FROM sso_refresh_tokens r JOIN users u ON u.id = r.user_id"
                                + " WHERE r.checked_at <= :due AND NOT u.disabled AND (EXISTS"
                                + " (SELECT 1 FROM sessions s WHERE s.user_id = r.user_id AND"
                                + " s.status = 'ACTIVE') OR EXISTS (SELECT 1 FROM api_tokens t"
                                + " WHERE t.user_id = r.user_id AND t.revoked_at IS NULL AND"
                                + " t.expires_at > :now)) ORDER BY r.checked_at LIMIT :n")
                        .bind("due", due)
                        .bind("now", now)
                        .bind("n", BATCH)
                        .map(
                            (rs, c) ->
                                new Due(
                                    rs.getString(1),
                                    rs.getString(2),
                                    new Sealed(rs.getString(3), rs.getBytes(4)),
                                    rs.getLong(5)))
                        .list());
    int asked = 0;
    for (Due user : users) {
      if (take(user, now)) {
        asked++;
        refresh(user);
      }
    }
    return asked;
  }

  private record Due(String userId, String name, Sealed sealed, long checkedAt) {}

  private boolean take(Due user, long now) {
    return db.jdbi()
            .withHandle(
                h ->
                    h.createUpdate(
                            "UPDATE sso_refresh_tokens SET checked_at = :now"
                                + " WHERE user_id = :u AND checked_at = :was")
                        .bind("now", now)
                        .bind("u", user.userId())
                        .bind("was", user.checkedAt())
                        .execute())
        == 1;
  }

  private void refresh(Due user) {
    String token =
        new String(secrets.open(user.sealed(), context(user.userId())), StandardCharsets.UTF_8);
    OidcProvider.Identity answer;
    try {
      answer = provider.refresh(token);
    } catch (SsoException e) {
      if (e.reason().equals("refresh_refused")) {
        refused(user, e.getMessage());
      } else {
        log.warn("groups of {} not refreshed, asking again later: {}", user.name(), e.getMessage());
      }
      return;
    }
    if (!answer.refreshToken().equals(token)) {
      store(user.userId(), answer.refreshToken());
    }
    if (answer.claims() == null) {
      return; // the provider sent no new ID token: nothing new to know
    }
    try {
      Identities.Claims claims = Identities.Claims.of(provider.settings(), answer);
      List<String> ended = identities.refreshed(provider.settings(), user.userId(), claims);
      if (!ended.isEmpty()) {
        log.info("{} session(s) of {} ended: groups changed", ended.size(), user.name());
      }
    } catch (SsoException e) {
      if (e.reason().equals("refresh_subject")) {
        refused(user, e.getMessage());
      } else {
        log.warn("groups of {} not refreshed: {}", user.name(), e.getMessage());
      }
    }
  }

  /**
   * The provider no longer vouches for the user: the groups it gave are gone (and with them the
   * sessions that stood on them), and so are the user's sign-ins, until the provider signs them in
   * again.
   */
  private void refused(Due user, String why) {
    List<String> ended =
        db.jdbi()
            .inTransaction(
                h -> {
                  h.createUpdate("DELETE FROM sso_refresh_tokens WHERE user_id = :u")
                      .bind("u", user.userId())
                      .execute();
                  h.createUpdate("DELETE FROM user_groups WHERE user_id = :u")
                      .bind("u", user.userId())
                      .execute();
                  h.createUpdate(
                          "UPDATE api_tokens SET revoked_at = :t"
                              + " WHERE user_id = :u AND revoked_at IS NULL")
                      .bind("t", clock.millis())
                      .bind("u", user.userId())
                      .execute();
                  audit.record(
                      h, Actor.SYSTEM, "user.sso.refresh_refused", "user:" + user.name(), why);
                  return revocations.revoke(
                      h,
                      Actor.SYSTEM,
                      Scope.user(user.userId()),
                      "the identity provider no longer vouches for " + user.name());
                });
    revocations.committed();
    log.info(
        "the identity provider refused the refresh of {}: {} session(s) and the sign-ins ended",
        user.name(),
        ended.size());
  }

  private void store(String userId, String refreshToken) {
    Sealed sealed = seal(userId, refreshToken);
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "UPDATE sso_refresh_tokens SET key_id = :k, sealed = :s WHERE user_id = :u")
                    .bind("k", sealed.dataKeyId())
                    .bind("s", sealed.ciphertext())
                    .bind("u", userId)
                    .execute());
  }

  private Sealed seal(String userId, String refreshToken) {
    return secrets.seal(refreshToken.getBytes(StandardCharsets.UTF_8), context(userId));
  }

  private static String context(String userId) {
    return "sso:" + userId + ":refresh";
  }
}
