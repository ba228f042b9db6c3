package dev.kpam.protocol.gateways;

import java.time.Instant;
import java.util.List;

/**
 * A gateway as the API shows it. {@code status} is {@code pending} (never enrolled), {@code online}
 * (heartbeat within the last 30 s) or {@code offline}. {@code instances} counts the processes
 * enrolled under its name (a pool), {@code instancesOnline} those with a heartbeat within 30 s.
 */
public record GatewayView(
    String id,
    String name,
    String status,
    String version,
    Instant createdAt,
    Instant enrolledAt,
    Instant lastHeartbeatAt,
    Instant certificateExpiresAt,
    List<String> relays,
    int instances,
    int instancesOnline) {}
