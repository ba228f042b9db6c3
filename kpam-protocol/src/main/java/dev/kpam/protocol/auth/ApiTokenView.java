package dev.kpam.protocol.auth;

import java.time.Instant;

/** An API token as listed: never its secret. */
public record ApiTokenView(
    String id,
    String name,
    String kind,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt) {}
