package dev.kpam.protocol.approvals;

/**
 * {@code POST /api/v1/requests}: ask for access to an account that requires approval. {@code
 * duration} (like {@code 1h}, default 1h, at most the account's maximum session) is how long the
 * access lasts once approved; {@code reason} is required.
 */
public record CreateAccessRequest(
    String resource, String account, String duration, String reason) {}
