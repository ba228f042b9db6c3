package dev.kpam.relay.enroll;

import java.net.URI;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What an enrolled standalone relay is: its id and name, key and certificate (for the addresses it
 * is reached at), the kpam CA chain, the credential for the server API, and the server it enrolled
 * with.
 *
 * <pre>{@code
 * RelayIdentity identity = RelayFiles.in(dataDir).load();
 * identity.withCertificate(newKey, newCert, chain, addresses);
 * }</pre>
 */
public record RelayIdentity(
    String relayId,
    String name,
    PrivateKey key,
    X509Certificate certificate,
    List<X509Certificate> caChain,
    String credential,
    List<String> addresses,
    URI server) {

  public RelayIdentity {
    Objects.requireNonNull(relayId, "relayId");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(certificate, "certificate");
    if (caChain == null || caChain.isEmpty()) {
      throw new IllegalArgumentException("caChain: " + caChain + " (expected: at least one CA)");
    }
    if (credential == null || credential.isBlank()) {
      throw new IllegalArgumentException("credential: blank (expected: the relay credential)");
    }
    caChain = List.copyOf(caChain);
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
  }

  public RelayIdentity withCertificate(
      PrivateKey newKey,
      X509Certificate newCertificate,
      List<X509Certificate> newChain,
      List<String> newAddresses) {
    return new RelayIdentity(
        relayId, name, newKey, newCertificate, newChain, credential, newAddresses, server);
  }

  public RelayIdentity withServer(URI newServer) {
    return new RelayIdentity(
        relayId, name, key, certificate, caChain, credential, addresses, newServer);
  }

  @Override
  public String toString() {
    return "RelayIdentity[relayId=" + relayId + ", name=" + name + ", credential=<redacted>]";
  }
}
