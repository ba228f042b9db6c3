package dev.kpam.protocol.gateways;

import java.time.Instant;

/**
 * One event of the push stream {@code GET /api/v1/gateway/events} (server-sent events; the SSE
 * event name is {@code type}, the SSE id is {@code id}). Types: {@code session.ended}, {@code
 * session.terminated}, {@code session.expired}, {@code resource.changed}, {@code account.changed}.
 */
public record GatewayEvent(
    long id, String type, String sessionId, String resource, String reason, Instant time) {}
