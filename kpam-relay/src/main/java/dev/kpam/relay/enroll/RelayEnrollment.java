package dev.kpam.relay.enroll;

import dev.kpam.crypto.pki.Csrs;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.protocol.gateways.CertificateResponse;
import dev.kpam.protocol.relays.RelayEnrollRequest;
import dev.kpam.protocol.relays.RelayEnrollResponse;
import dev.kpam.protocol.relays.RenewRelayCertificateRequest;
import dev.kpam.relay.control.ControlPlaneClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Enrollment and certificate renewal of a standalone relay: the key pair is made here and never
 * leaves the relay; the server signs a CSR ({@code POST /api/v1/relay/enroll} with the one-time
 * token, later {@code POST /api/v1/relay/certificate} with the relay credential) for the addresses
 * the relay is reached at.
 *
 * <pre>{@code
 * RelayIdentity identity = RelayEnrollment.enroll(server, http, token, "edge", List.of("relay.example.com:7443"));
 * RelayIdentity renewed = RelayEnrollment.renew(api, identity, identity.addresses()).join();
 * }</pre>
 */
public final class RelayEnrollment {
  private RelayEnrollment() {}

  /**
   * Blocking: enrolls with {@code enrollToken}. Never call on an event loop.
   *
   * @throws java.util.concurrent.CompletionException with a {@code ControlPlaneException} when the
   *     server refuses
   */
  public static RelayIdentity enroll(
      URI server, HttpClient http, String enrollToken, String name, List<String> addresses) {
    KeyPair keyPair = KeyPairs.generateEcP256();
    String csr = Csrs.create(keyPair, name == null ? "kpam-relay" : name);
    ControlPlaneClient api = new ControlPlaneClient(server, http, () -> null);
    RelayEnrollResponse enrolled =
        api.post(
                "/api/v1/relay/enroll",
                new RelayEnrollRequest(enrollToken, csr, addresses),
                RelayEnrollResponse.class)
            .join();
    return new RelayIdentity(
        enrolled.relayId(),
        enrolled.name(),
        keyPair.getPrivate(),
        Pem.parseCertificate(enrolled.certificate()),
        enrolled.caChain().stream().map(Pem::parseCertificate).toList(),
        enrolled.credential(),
        addresses,
        server);
  }

  /** A new key and certificate for {@code identity}, for {@code addresses}; off the event loops. */
  public static CompletableFuture<RelayIdentity> renew(
      ControlPlaneClient api, RelayIdentity identity, List<String> addresses) {
    KeyPair keyPair = KeyPairs.generateEcP256();
    String csr =
        Csrs.create(keyPair, identity.name() == null ? identity.relayId() : identity.name());
    return api.post(
            "/api/v1/relay/certificate",
            new RenewRelayCertificateRequest(csr, addresses),
            CertificateResponse.class)
        .thenApply(
            answer ->
                identity.withCertificate(
                    keyPair.getPrivate(),
                    Pem.parseCertificate(answer.certificate()),
                    answer.caChain().stream().map(Pem::parseCertificate).toList(),
                    addresses));
  }
}
