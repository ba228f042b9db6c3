package dev.kpam.protocol.gateways;

import java.util.List;

/**
 * {@code POST /api/v1/gateway/heartbeat}: the gateway's version and the relays it is connected to.
 */
public record Heartbeat(String version, List<String> relays, int activeSessions) {}
