package dev.kpam.protocol.auth;

/**
 * {@code POST /api/v1/tokens}: a named token for scripts; {@code ttl} like {@code 30d} is not
 * allowed, use hours ({@code 720h}).
 */
public record CreateApiTokenRequest(String name, String ttl) {}
