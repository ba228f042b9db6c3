package dev.kpam.protocol.auth;

/** The answer to {@link CreateApiTokenRequest}: the secret is in {@code token}, shown only here. */
public record CreatedApiToken(ApiTokenView info, String token) {
  @Override
  public String toString() {
    return "CreatedApiToken[info=" + info + ", token=<redacted>]";
  }
}
