package dev.kpam.protocol.sessions;

/**
 * {@code POST /api/v1/sessions}: ask for access to an account. {@code csr} is a PEM certificate
 * request for a key the client made and keeps; {@code duration} like {@code 1h}. On an account that
 * requires approval, {@code request} names an approved access request of the caller (without it,
 * the caller's approved request for the account is used, if one is open); {@code breakGlass} opens
 * the session without approval where the account allows it, and needs a {@code reason}. {@code
 * mfaCode} is a code of the caller's second factor, for an account that requires one; {@code
 * mfaChallenge} instead names a passkey confirmation the caller verified in the browser ({@code
 * POST /api/v1/mfa/webauthn/challenges}).
 */
public record CreateSessionRequest(
    String resource,
    String account,
    String duration,
    String reason,
    String csr,
    String request,
    Boolean breakGlass,
    String mfaCode,
    String mfaChallenge) {
  @Override
  public String toString() {
    return "CreateSessionRequest[resource="
        + resource
        + ", account="
        + account
        + ", duration="
        + duration
        + ", mfaCode="
        + (mfaCode == null ? "none" : "<redacted>")
        + ", mfaChallenge="
        + (mfaChallenge == null ? "none" : "<redacted>")
        + "]";
  }
}
