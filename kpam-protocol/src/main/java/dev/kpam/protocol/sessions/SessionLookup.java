package dev.kpam.protocol.sessions;

import java.time.Instant;

/**
 * {@code GET /api/v1/gateway/sessions/{id}}: what the session's own gateway needs to serve it,
 * including the decrypted service-account token. Only ever sent to that gateway, only for an ACTIVE
 * unexpired session.
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
    String recordingFailurePolicy) {
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
