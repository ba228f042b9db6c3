package dev.kpam.protocol.relays;

import java.time.Instant;
import java.util.List;

/**
 * A standalone relay as the API shows it. {@code status} is {@code pending} (never enrolled) or
 * {@code enrolled}; {@code addresses} are the {@code host:port}s the relay said it is reached at.
 */
public record RelayView(
    String id,
    String name,
    String status,
    List<String> addresses,
    Instant createdAt,
    Instant enrolledAt,
    Instant certificateExpiresAt) {}
