package dev.kpam.protocol.sessions;

import java.time.Instant;

/**
 * One recorded event of a session. {@code seq} is assigned by the gateway, starts at 1 and makes
 * uploads idempotent. {@code data} is a JSON object whose shape depends on {@code type}.
 */
public record SessionEvent(long seq, Instant time, String type, Object data) {}
