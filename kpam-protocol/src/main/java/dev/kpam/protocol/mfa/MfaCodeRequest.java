package dev.kpam.protocol.mfa;

/** A code of the caller's authenticator app (6 digits), e.g. to confirm a new factor. */
public record MfaCodeRequest(String code) {}
