package dev.kpam.protocol.mfa;

/**
 * {@code GET /api/v1/mfa/webauthn/challenges/{id}}: {@code pending} (waiting for the browser),
 * {@code verified}, {@code used} or {@code expired}.
 */
public record PasskeyChallengeStatus(String status) {}
