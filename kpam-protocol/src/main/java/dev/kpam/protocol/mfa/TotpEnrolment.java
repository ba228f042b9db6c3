package dev.kpam.protocol.mfa;

/**
 * {@code POST /api/v1/mfa/totp}: a new authenticator-app factor, unconfirmed. {@code secret}
 * (base32) and {@code uri} ({@code otpauth://totp/…}, the QR code's content) are shown this once.
 */
public record TotpEnrolment(String factorId, String secret, String uri) {
  @Override
  public String toString() {
    return "TotpEnrolment[factorId=" + factorId + ", secret=<redacted>, uri=<redacted>]";
  }
}
