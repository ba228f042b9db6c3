package dev.kpam.protocol.sessions;

/** {@code POST /api/v1/sessions/{id}/end} and {@code .../terminate}: why, for the record. */
public record EndSessionRequest(String reason) {}
