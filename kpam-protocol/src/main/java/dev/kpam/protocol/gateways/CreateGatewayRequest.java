package dev.kpam.protocol.gateways;

/** {@code POST /api/v1/gateways} (admin). */
public record CreateGatewayRequest(String name) {}
