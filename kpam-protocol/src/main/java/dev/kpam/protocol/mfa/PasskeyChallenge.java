package dev.kpam.protocol.mfa;

import java.time.Instant;

/**
 * {@code POST /api/v1/mfa/webauthn/challenges}: a passkey confirmation for a session. The person
 * opens {@code url} in the browser and confirms with their passkey; once {@code GET
 * /api/v1/mfa/webauthn/challenges/{id}} says {@code verified}, the session request names {@code id}
 * as its {@code mfaChallenge}. Works once, until {@code expiresAt}.
 */
public record PasskeyChallenge(String id, String url, Instant expiresAt) {
  @Override
  public String toString() {
    return "PasskeyChallenge[id=<redacted>, expiresAt=" + expiresAt + "]";
  }
}
