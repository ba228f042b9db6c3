package dev.kpam.protocol.gateways;

import java.util.List;

/** A signed certificate and the CA chain that verifies it, both PEM. */
public record CertificateResponse(String certificate, List<String> caChain) {}
