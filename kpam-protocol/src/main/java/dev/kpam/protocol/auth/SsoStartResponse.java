package dev.kpam.protocol.auth;

/** Where the person's browser goes to sign in at the identity provider. */
public record SsoStartResponse(String authorizationUrl, String provider) {}
