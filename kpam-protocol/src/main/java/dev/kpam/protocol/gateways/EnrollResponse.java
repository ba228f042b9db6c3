package dev.kpam.protocol.gateways;

import java.util.List;

/**
 * What an enrolled gateway keeps: its certificate, the CA chain (PEM), the credential it sends as
 * {@code Authorization: Bearer} to the gateway API, and where the relays listen ({@code
 * host:port}).
 */
public record EnrollResponse(
    String gatewayId,
    String name,
    String certificate,
    List<String> caChain,
    String credential,
    List<String> relayAddresses) {
  @Override
  public String toString() {
    return "EnrollResponse[gatewayId=" + gatewayId + ", name=" + name + ", credential=<redacted>]";
  }
}
