package dev.kpam.server.mfa;

import dev.kpam.crypto.otp.Base32;
import dev.kpam.crypto.otp.Totp;
import dev.kpam.crypto.secrets.SecretTokens;
import dev.kpam.protocol.mfa.MfaFactorView;
import dev.kpam.protocol.mfa.RecoveryCodes;
import dev.kpam.protocol.mfa.TotpEnrolment;
import dev.kpam.server.Ids;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.auth.throttle.LoginThrottle;
import dev.kpam.server.db.Database;
import dev.kpam.server.db.Millis;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.secrets.SecretStore;
import dev.kpam.server.secrets.SecretStore.Sealed;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * Second factors (docs/IDENTITY.md, MFA): authenticator apps (TOTP, RFC 6238) and recovery codes. A
 * TOTP secret is sealed like an account's token and shown only at enrolment; a factor counts once
 * it is confirmed with a code. A code works once: the factor keeps the last 30-second step a code
 * was accepted for, and the update that moves it on is conditional, so that two replicas cannot
 * both take one code. Wrong codes are throttled like passwords (per user and address).
 *
 * <pre>{@code
 * TotpEnrolment e = factors.startTotp(me);            // QR code of e.uri()
 * RecoveryCodes codes = factors.confirmTotp(me, e.factorId(), "123456");
 * String used = factors.check(me, "654321", ip);      // "totp" or "recovery"
 * }</pre>
 */
public final class SecondFactors {
  static final int MAX_FACTORS = 5;
  private static final String ISSUER = "kpam";

  private final Database db;
  private final SecretStore secrets;
  private final LoginThrottle throttle;
  private final AuditLog audit;
  private final Clock clock;
  private final Ids ids;
  private final Passkeys passkeys;

  /** {@code publicUrl} is the server's public URL, the relying party of passkeys. */
  public SecondFactors(
      Database db,
      SecretStore secrets,
      LoginThrottle throttle,
      AuditLog audit,
      Clock clock,
      Ids ids,
      Supplier<String> publicUrl) {
    this.db = db;
    this.secrets = secrets;
    this.throttle = throttle;
    this.audit = audit;
    this.clock = clock;
    this.ids = ids;
    this.passkeys = new Passkeys(db, audit, clock, ids, publicUrl);
  }

  public Passkeys passkeys() {
    return passkeys;
  }

  /** Starts an authenticator-app factor; an earlier unconfirmed one of the caller is replaced. */
  public TotpEnrolment startTotp(Principal me) {
    byte[] secret = Totp.newSecret();
    String id = ids.next();
    Sealed sealed = secrets.seal(secret, sealContext(id));
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate("DELETE FROM mfa_factors WHERE user_id = :u AND NOT confirmed")
                  .bind("u", me.userId())
                  .execute();
              checkRoom(h, me.userId());
              h.createUpdate(
                      "INSERT INTO mfa_factors (id, user_id, kind, name, confirmed, secret_key_id,"
                          + " secret_sealed, created_at) VALUES (:id, :u, 'totp',"
                          + " 'authenticator app', FALSE, :k, :s, :t)")
                  .bind("id", id)
                  .bind("u", me.userId())
                  .bind("k", sealed.dataKeyId())
                  .bind("s", sealed.ciphertext())
                  .bind("t", clock.millis())
                  .execute();
            });
    return new TotpEnrolment(id, Base32.encode(secret), Totp.uri(ISSUER, me.name(), secret));
  }

  /**
   * The caller's unconfirmed factor again (its secret is shown until it is confirmed, so that a
   * mistyped code does not mean starting over).
   */
  public TotpEnrolment pendingTotp(Principal me, String factorId) {
    Factor factor =
        factor(me.userId(), factorId)
            .filter(f -> !f.confirmed())
            .orElseThrow(
                () -> ApiException.notFound("no authenticator app waiting to be confirmed"));
    byte[] secret = secret(factor);
    return new TotpEnrolment(
        factor.id(), Base32.encode(secret), Totp.uri(ISSUER, me.name(), secret));
  }

  /**
   * Confirms the caller's new factor with a code of it; answers a fresh set of recovery codes
   * (shown once; the old set stops working).
   */
  public RecoveryCodes confirmTotp(Principal me, String factorId, String code, String source) {
    Factor factor =
        factor(me.userId(), factorId)
            .orElseThrow(() -> ApiException.notFound("no second factor '" + factorId + "'"));
    if (factor.confirmed()) {
      throw ApiException.conflict("this authenticator app is confirmed already");
    }
    admit(me, source);
    OptionalLong step = Totp.match(secret(factor), code, clock.instant());
    if (step.isEmpty() || !useStep(factor.id(), step.getAsLong())) {
      audit.record(
          me.actor(), "mfa.failed", "user:" + me.name(), "confirming an authenticator app");
      throw new ApiException(
          403,
          "mfa_invalid",
          "that is not the code the authenticator app shows now; check the phone's clock and try"
              + " the next code");
    }
    throttle.succeeded(throttleName(me), source);
    return new RecoveryCodes(
        db.jdbi()
            .inTransaction(
                h -> {
                  h.createUpdate("UPDATE mfa_factors SET confirmed = TRUE WHERE id = :id")
                      .bind("id", factor.id())
                      .execute();
                  audit.record(
                      h, me.actor(), "mfa.enrol", "user:" + me.name(), "authenticator app");
                  return RecoveryCodeSet.replace(h, me.userId());
                }));
  }

  /** Refuses a new factor where the user has {@link #MAX_FACTORS} already. */
  static void checkRoom(Handle h, String userId) {
    long count =
        h.createQuery("SELECT COUNT(*) FROM mfa_factors WHERE user_id = :u")
            .bind("u", userId)
            .mapTo(Long.class)
            .one();
    if (count >= MAX_FACTORS) {
      throw ApiException.conflict(
          "you have " + count + " second factors, the most there may be; remove one");
    }
  }

  public List<MfaFactorView> factors(Principal me) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT id, kind, name, confirmed, created_at, last_used_at"
                            + " FROM mfa_factors WHERE user_id = :u ORDER BY created_at")
                    .bind("u", me.userId())
                    .map(
                        (rs, c) ->
                            new MfaFactorView(
                                rs.getString("id"),
                                rs.getString("kind"),
                                rs.getString("name"),
                                rs.getBoolean("confirmed"),
                                Millis.instant(rs.getLong("created_at")),
                                Millis.nullable(rs, "last_used_at")))
                    .list());
  }

  /** Removes one of the caller's factors; with the last one go the recovery codes. */
  public void remove(Principal me, String factorId) {
    db.jdbi()
        .useTransaction(
            h -> {
              int removed =
                  h.createUpdate("DELETE FROM mfa_factors WHERE id = :id AND user_id = :u")
                      .bind("id", factorId)
                      .bind("u", me.userId())
                      .execute();
              if (removed == 0) {
                throw ApiException.notFound("no second factor '" + factorId + "'");
              }
              long left =
                  h.createQuery("SELECT COUNT(*) FROM mfa_factors WHERE user_id = :u AND confirmed")
                      .bind("u", me.userId())
                      .mapTo(Long.class)
                      .one();
              if (left == 0) {
                h.createUpdate("DELETE FROM mfa_recovery_codes WHERE user_id = :u")
                    .bind("u", me.userId())
                    .execute();
              }
              audit.record(h, me.actor(), "mfa.remove", "user:" + me.name(), "factor " + factorId);
            });
  }

  /**
   * What a session asks before it opens on an account that {@code required}s a second factor: the
   * factor that answered ({@code totp}, {@code recovery}, or {@code webauthn} for a verified
   * passkey {@code challenge}), or null when none is required. Refuses with a message that says
   * what to do.
   */
  public String forSession(
      Principal who, boolean required, String code, String challenge, String source, String what) {
    if (!required) {
      return null;
    }
    if (challenge != null && !challenge.isBlank()) {
      passkeys.spend(who, challenge);
      return "webauthn";
    }
    if (!enrolled(who.userId())) {
      throw new ApiException(
          403,
          "mfa_not_enrolled",
          what
              + " requires a second factor and you have none: add an authenticator app or a"
              + " passkey in the web UI (Security), then try again");
    }
    if (code == null || code.isBlank()) {
      throw new ApiException(
          403,
          "mfa_required",
          what
              + " requires a second factor: give the 6-digit code of your authenticator app (or a"
              + " recovery code), or confirm with your passkey");
    }
    return check(who, code, source);
  }

  /** Checks a code of the caller's confirmed factors or a recovery code; one use each. */
  public String check(Principal who, String code, String source) {
    admit(who, source);
    String given = code.trim().toLowerCase(Locale.ROOT);
    if (given.contains("-")) {
      if (useRecoveryCode(who.userId(), given)) {
        throttle.succeeded(throttleName(who), source);
        audit.record(who.actor(), "mfa.recovery", "user:" + who.name(), "recovery code used");
        return "recovery";
      }
      throw refused(who, "wrong or used recovery code");
    }
    boolean seen = false;
    for (Factor factor : confirmed(who.userId())) {
      OptionalLong step = Totp.match(secret(factor), given, clock.instant());
      if (step.isPresent()) {
        seen = true;
        if (useStep(factor.id(), step.getAsLong())) {
          throttle.succeeded(throttleName(who), source);
          return "totp";
        }
      }
    }
    if (seen) {
      audit.record(who.actor(), "mfa.failed", "user:" + who.name(), "code used before");
      throw new ApiException(
          403,
          "mfa_invalid",
          "that code was used already; wait for the next one of your authenticator app");
    }
    throw refused(who, "wrong code");
  }

  /** Whether the user has a confirmed second factor. */
  public boolean enrolled(String userId) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT COUNT(*) FROM mfa_factors WHERE user_id = :u AND confirmed")
                        .bind("u", userId)
                        .mapTo(Long.class)
                        .one()
                    > 0);
  }

  private ApiException refused(Principal who, String why) {
    audit.record(who.actor(), "mfa.failed", "user:" + who.name(), why);
    return new ApiException(
        403,
        "mfa_invalid",
        "wrong second-factor code; use the code your authenticator app shows now");
  }

  private void admit(Principal who, String source) {
    Duration wait = throttle.admit(throttleName(who), source);
    if (!wait.isZero()) {
      audit.record(who.actor(), "mfa.throttled", "user:" + who.name(), "retry in " + wait);
      throw ApiException.tooManyAttempts(
          "too many wrong second-factor codes; try again in " + wait.toSeconds() + " s", wait);
    }
  }

  private static String throttleName(Principal who) {
    return "mfa:" + who.name();
  }

  /** Moves the factor's last used step on to {@code step}; false when it was there already. */
  private boolean useStep(String factorId, long step) {
    return db.jdbi()
            .withHandle(
                h ->
                    h.createUpdate(
                            "UPDATE mfa_factors SET last_step = :s, last_used_at = :t"
                                + " WHERE id = :id AND last_step < :s")
                        .bind("s", step)
                        .bind("t", clock.millis())
                        .bind("id", factorId)
                        .execute())
        == 1;
  }

  private boolean useRecoveryCode(String userId, String code) {
    return db.jdbi()
            .withHandle(
                h ->
                    h.createUpdate(
                            "UPDATE mfa_recovery_codes SET used_at = :t"
                                + " WHERE user_id = :u AND code_hash = :c AND used_at IS NULL")
                        .bind("t", clock.millis())
                        .bind("u", userId)
                        .bind("c", SecretTokens.sha256Hex(code))
                        .execute())
        == 1;
  }

  private record Factor(String id, boolean confirmed, String keyId, byte[] sealed) {}

  private Optional<Factor> factor(String userId, String factorId) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT id, confirmed, secret_key_id, secret_sealed FROM mfa_factors"
                            + " WHERE id = :id AND user_id = :u AND kind = 'totp'")
                    .bind("id", factorId)
                    .bind("u", userId)
                    .map((rs, c) -> factor(rs))
                    .findOne());
  }

  private List<Factor> confirmed(String userId) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT id, confirmed, secret_key_id, secret_sealed FROM mfa_factors"
                            + " WHERE user_id = :u AND kind = 'totp' AND confirmed")
                    .bind("u", userId)
                    .map((rs, c) -> factor(rs))
                    .list());
  }

  private static Factor factor(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Factor(
        rs.getString("id"),
        rs.getBoolean("confirmed"),
        rs.getString("secret_key_id"),
        rs.getBytes("secret_sealed"));
  }

  private byte[] secret(Factor factor) {
    return secrets.open(new Sealed(factor.keyId(), factor.sealed()), sealContext(factor.id()));
  }

  private static String sealContext(String factorId) {
    return "mfa:" + factorId + ":totp";
  }
}
