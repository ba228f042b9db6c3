package dev.kpam.protocol.auth;

/**
 * {@code POST /api/v1/auth/sso/device/token}: has the person finished the device sign-in? A login
 * once they have; 400 {@code sso_authorization_pending} (ask again after the interval) or {@code
 * sso_slow_down} (ask 5 s less often) while they have not; 401 {@code sso_expired_token} or {@code
 * sso_access_denied} when they never will.
 */
public record SsoDeviceTokenRequest(String deviceCode) {
  @Override
  public String toString() {
    return "SsoDeviceTokenRequest[deviceCode=<redacted>]";
  }
}
