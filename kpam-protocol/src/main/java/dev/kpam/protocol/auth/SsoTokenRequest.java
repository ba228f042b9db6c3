package dev.kpam.protocol.auth;

/**
 * {@code POST /api/v1/auth/sso/token}: the hand-off code the CLI's loopback received and the PKCE
 * verifier of the challenge it started with; answered with a {@link LoginResponse}.
 */
public record SsoTokenRequest(String code, String codeVerifier) {
  @Override
  public String toString() {
    return "SsoTokenRequest[code=<redacted>, codeVerifier=<redacted>]";
  }
}
