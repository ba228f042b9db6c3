package dev.kpam.protocol.auth;

/**
 * {@code POST /api/v1/auth/sso/device}: a sign-in on another device (RFC 8628) for {@code kpam
 * login --sso --device}. The person opens {@code verificationUri} anywhere and enters {@code
 * userCode} ({@code verificationUriComplete} carries the code, where the provider gives one); the
 * CLI sends {@code deviceCode} to {@code POST /api/v1/auth/sso/device/token} every {@code interval}
 * seconds until it answers a login, for at most {@code expiresIn} seconds.
 */
public record SsoDeviceStart(
    String deviceCode,
    String userCode,
    String verificationUri,
    String verificationUriComplete,
    long expiresIn,
    long interval,
    String providerName) {
  @Override
  public String toString() {
    return "SsoDeviceStart[userCode=" + userCode + ", deviceCode=<redacted>]";
  }
}
