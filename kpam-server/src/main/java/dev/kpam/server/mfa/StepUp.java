package dev.kpam.server.mfa;

import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.db.Database;
import dev.kpam.server.http.ApiException;
import java.time.Clock;
import java.time.Duration;

/**
 * Step-up (docs/IDENTITY.md): where the server is told to, an admin's change in the web UI needs a
 * second factor given within the last {@code window} by that same sign-in. The time is kept on the
 * sign-in's token, so that it holds across replicas and ends with the sign-in.
 *
 * <pre>{@code
 * if (stepUp.needed(me)) { ... ask for a code ...; stepUp.confirm(me, code, null, null, ip); }
 * }</pre>
 */
public final class StepUp {
  private final Database db;
  private final SecondFactors factors;
  private final AuditLog audit;
  private final Clock clock;
  private final Duration window;

  /** {@code window} null: step-up is off. */
  public StepUp(Database db, SecondFactors factors, AuditLog audit, Clock clock, Duration window) {
    this.db = db;
    this.factors = factors;
    this.audit = audit;
    this.clock = clock;
    this.window = window;
  }

  /** Whether {@code who}'s change must first be confirmed with a second factor. */
  public boolean needed(Principal who) {
    if (window == null || !who.isAdmin()) {
      return false;
    }
    Long at =
        db.jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT step_up_at FROM api_tokens WHERE id = :id")
                        .bind("id", who.tokenId())
                        .mapTo(Long.class)
                        .findOne()
                        .orElse(null));
    return at == null || at < clock.millis() - window.toMillis();
  }

  /** How long a step-up holds, for the page that asks for it. */
  public Duration window() {
    return window;
  }

  /**
   * Confirms {@code who}'s sign-in with a code ({@code totp} or recovery) or a passkey ({@code
   * ceremony} answered by {@code credentialJson}); refuses like a session's second factor does.
   */
  public void confirm(
      Principal who, String code, String ceremony, String credentialJson, String source) {
    String factor;
    if (ceremony != null && !ceremony.isBlank()) {
      factors.passkeys().verify(ceremony, credentialJson, source);
      factors.passkeys().spend(who, ceremony);
      factor = "webauthn";
    } else if (code != null && !code.isBlank()) {
      factor = factors.check(who, code, source);
    } else {
      throw new ApiException(
          403, "mfa_required", "give a code of your authenticator app or use your passkey");
    }
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate("UPDATE api_tokens SET step_up_at = :t WHERE id = :id")
                    .bind("t", clock.millis())
                    .bind("id", who.tokenId())
                    .execute());
    audit.record(who.actor(), "mfa.step_up", "user:" + who.name(), "with " + factor);
  }
}
