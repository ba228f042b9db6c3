package dev.kpam.protocol.relays;

import java.util.List;

/**
 * What an enrolled relay keeps: its certificate and the CA chain (PEM), and the credential it sends
 * as {@code Authorization: Bearer} to the relay API.
 */
public record RelayEnrollResponse(
    String relayId, String name, String certificate, List<String> caChain, String credential) {
  @Override
  public String toString() {
    return "RelayEnrollResponse[relayId=" + relayId + ", name=" + name + ", credential=<redacted>]";
  }
}
