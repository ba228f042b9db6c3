package dev.kpam.protocol.gateways;

/** {@code POST /api/v1/gateway/certificate}: a new CSR from an enrolled gateway. */
public record RenewCertificateRequest(String csr) {}
