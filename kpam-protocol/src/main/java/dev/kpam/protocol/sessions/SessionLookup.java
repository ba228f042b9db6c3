package dev.kpam.protocol.sessions;

import dev.kpam.protocol.policy.KubePolicy;
import java.time.Instant;

/**
 * {@code GET /api/v1/gateway/sessions/{id}}: what the session's own gateway needs to serve it,
 * including the decrypted service-account token. Only ever sent to that gateway, only for an ACTIVE
 * unexpired session. {@code policy} (null: none) is the account's, applied by the gateway to every
 * request before the token goes in.
 */
public record SessionLookup(
    String sessionId,
    String user,
    String status,
    Instant expiresAt,
    String resource,
    String url,
    String caCert,
    String serverName,
    boolean insecureSkipTlsVerify,
    String account,
    String token,
    boolean recordStdin,
    String recordingFailurePolicy,
    KubePolicy policy) {
  @Override
  public String toString() {
    return "SessionLookup[sessionId="
        + sessionId
        + ", resource="
        + resource
        + ", account="
        + account
        + ", token=<redacted>]";
  }
}
