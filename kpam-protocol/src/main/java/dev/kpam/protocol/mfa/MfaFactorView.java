package dev.kpam.protocol.mfa;

import java.time.Instant;

/**
 * A second factor of the caller: {@code kind} {@code totp} (an authenticator app); usable once
 * {@code confirmed}. Its secret is never shown again after enrolment.
 */
public record MfaFactorView(
    String id,
    String kind,
    String name,
    boolean confirmed,
    Instant createdAt,
    Instant lastUsedAt) {}
