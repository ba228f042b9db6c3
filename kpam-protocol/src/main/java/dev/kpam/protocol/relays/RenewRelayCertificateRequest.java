package dev.kpam.protocol.relays;

import java.util.List;

/**
 * {@code POST /api/v1/relay/certificate}: a new CSR from an enrolled relay, and the addresses it is
 * reached at now (null keeps the ones it enrolled with).
 */
public record RenewRelayCertificateRequest(String csr, List<String> addresses) {}
