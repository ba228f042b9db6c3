package dev.kpam.protocol.auth;

/**
 * {@code POST /api/v1/auth/sso/start}: the CLI's loopback redirect ({@code http://127.0.0.1:PORT/})
 * and the S256 PKCE challenge of a verifier only it holds.
 */
public record SsoStartRequest(String redirectUri, String codeChallenge) {}
