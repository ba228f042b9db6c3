package dev.kpam.protocol.resources;

import java.time.Instant;

/** A Kubernetes resource as the API shows it. */
public record ResourceView(
    String id,
    String name,
    String type,
    String url,
    String gateway,
    String gatewayStatus,
    String caCert,
    String serverName,
    boolean insecureSkipTlsVerify,
    Instant createdAt,
    Instant updatedAt) {}
