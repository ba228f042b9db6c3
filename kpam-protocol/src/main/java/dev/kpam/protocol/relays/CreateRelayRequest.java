package dev.kpam.protocol.relays;

/** {@code POST /api/v1/relays} (admin). */
public record CreateRelayRequest(String name) {}
