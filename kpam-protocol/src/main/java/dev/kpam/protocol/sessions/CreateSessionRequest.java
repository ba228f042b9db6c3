package dev.kpam.protocol.sessions;

/**
 * {@code POST /api/v1/sessions}: ask for access to an account. {@code csr} is a PEM certificate
 * request for a key the client made and keeps; {@code duration} like {@code 1h}.
 */
public record CreateSessionRequest(
    String resource, String account, String duration, String reason, String csr) {}
