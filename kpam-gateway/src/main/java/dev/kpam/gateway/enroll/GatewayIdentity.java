package dev.kpam.gateway.enroll;

import java.net.URI;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What an enrolled gateway is: its id and name, key and certificate, the kpam CA chain, the
 * credential for the server API, the relays to dial and the server it enrolled with.
 *
 * <pre>{@code
 * GatewayIdentity identity = GatewayFiles.in(dataDir).load();
 * identity.withCertificate(newKey, newCert, chain);
 * }</pre>
 */
public record GatewayIdentity(
    String gatewayId,
    String name,
    PrivateKey key,
    X509Certificate certificate,
    List<X509Certificate> caChain,
    String credential,
    List<String> relayAddresses,
    URI server) {

  public GatewayIdentity {
    Objects.requireNonNull(gatewayId, "gatewayId");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(certificate, "certificate");
    if (caChain == null || caChain.isEmpty()) {
      throw new IllegalArgumentException("caChain: " + caChain + " (expected: at least one CA)");
    }
    if (credential == null || credential.isBlank()) {
      throw new IllegalArgumentException("credential: blank (expected: the gateway credential)");
    }
    caChain = List.copyOf(caChain);
    relayAddresses = relayAddresses == null ? List.of() : List.copyOf(relayAddresses);
  }

  public GatewayIdentity withCertificate(
      PrivateKey newKey, X509Certificate newCertificate, List<X509Certificate> newChain) {
    return new GatewayIdentity(
        gatewayId, name, newKey, newCertificate, newChain, credential, relayAddresses, server);
  }

  public GatewayIdentity withRelayAddresses(List<String> relays) {
    return new GatewayIdentity(
        gatewayId, name, key, certificate, caChain, credential, relays, server);
  }

  public GatewayIdentity withServer(URI newServer) {
    return new GatewayIdentity(
        gatewayId, name, key, certificate, caChain, credential, relayAddresses, newServer);
  }

  @Override
  public String toString() {
    return "GatewayIdentity[gatewayId=" + gatewayId + ", name=" + name + ", credential=<redacted>]";
  }
}
