package dev.kpam.protocol.sessions;

import java.time.Instant;

/**
 * A session as the API shows it. {@code status} is {@code ACTIVE}, {@code ENDED}, {@code
 * TERMINATED} or {@code EXPIRED}. {@code summary} counts what happened in it (docs/RECORDING.md
 * §5). {@code requestId} is the approved access request it was opened under, {@code breakGlass}
 * whether it was opened by break-glass (without approval), {@code mfa} the second factor given when
 * it opened ({@code totp}, {@code recovery}, {@code webauthn}; null: none was asked).
 */
public record SessionView(
    String id,
    String user,
    String resource,
    String account,
    String gatewayId,
    String gateway,
    String reason,
    String status,
    Instant createdAt,
    Instant firstSeenAt,
    Instant expiresAt,
    Instant endedAt,
    String endReason,
    String endedBy,
    String clientAddress,
    String clientAgent,
    String requestId,
    boolean breakGlass,
    String mfa,
    SessionSummary summary) {}
