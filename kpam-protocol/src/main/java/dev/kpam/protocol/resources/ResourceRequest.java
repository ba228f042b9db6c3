package dev.kpam.protocol.resources;

/**
 * {@code POST /api/v1/resources} (all fields but the TLS options required) and {@code PATCH
 * /api/v1/resources/{name}} (null fields keep their value; an empty {@code caCert} or {@code
 * serverName} clears it).
 */
public record ResourceRequest(
    String name,
    String url,
    String gateway,
    String caCert,
    String serverName,
    Boolean insecureSkipTlsVerify) {}
