package dev.kpam.gateway.enroll;

import dev.kpam.crypto.pki.Csrs;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.gateway.control.ControlPlaneClient;
import dev.kpam.protocol.gateways.CertificateResponse;
import dev.kpam.protocol.gateways.EnrollRequest;
import dev.kpam.protocol.gateways.EnrollResponse;
import dev.kpam.protocol.gateways.RenewCertificateRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.KeyPair;
import java.util.concurrent.CompletableFuture;

/**
 * Enrollment and certificate renewal: the key pair is made here and never leaves the gateway; the
 * server signs a CSR ({@code POST /api/v1/gateway/enroll} with the one-time token, later {@code
 * POST /api/v1/gateway/certificate} with the gateway credential).
 *
 * <pre>{@code
 * GatewayIdentity identity = Enrollment.enroll(server, http, token, "dc1", "0.1.0");
 * GatewayIdentity renewed = Enrollment.renew(api, identity).join();
 * }</pre>
 */
public final class Enrollment {
  private Enrollment() {}

  /** Blocking: enrolls with {@code enrollToken}. Never call on an event loop. */
  public static GatewayIdentity enroll(
      URI server, HttpClient http, String enrollToken, String name, String version) {
    KeyPair keyPair = KeyPairs.generateEcP256();
    String csr = Csrs.create(keyPair, name == null ? "kpam-gateway" : name);
    ControlPlaneClient api = new ControlPlaneClient(server, http, () -> null);
    EnrollResponse enrolled =
        api.post(
                "/api/v1/gateway/enroll",
                new EnrollRequest(enrollToken, csr, version),
                EnrollResponse.class)
            .join();
    return new GatewayIdentity(
        enrolled.gatewayId(),
        enrolled.name(),
        keyPair.getPrivate(),
        Pem.parseCertificate(enrolled.certificate()),
        enrolled.caChain().stream().map(Pem::parseCertificate).toList(),
        enrolled.credential(),
        enrolled.relayAddresses(),
        server);
  }

  /** A new key and certificate for {@code identity}; completes off the event loops. */
  public static CompletableFuture<GatewayIdentity> renew(
      ControlPlaneClient api, GatewayIdentity identity) {
    KeyPair keyPair = KeyPairs.generateEcP256();
    String csr =
        Csrs.create(keyPair, identity.name() == null ? identity.gatewayId() : identity.name());
    return api.post(
            "/api/v1/gateway/certificate",
            new RenewCertificateRequest(csr),
            CertificateResponse.class)
        .thenApply(
            answer ->
                identity.withCertificate(
                    keyPair.getPrivate(),
                    Pem.parseCertificate(answer.certificate()),
                    answer.caChain().stream().map(Pem::parseCertificate).toList()));
  }
}
