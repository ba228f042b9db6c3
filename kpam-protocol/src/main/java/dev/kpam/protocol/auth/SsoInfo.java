package dev.kpam.protocol.auth;

/**
 * {@code GET /api/v1/auth/sso}: whether the server signs people in through an identity provider
 * ({@code provider} is what its button says), and whether password sign-in is still open to all
 * ({@code passwordSignIn} {@code all}) or only to the break-glass user ({@code break-glass}).
 */
public record SsoInfo(boolean enabled, String provider, String passwordSignIn) {}
