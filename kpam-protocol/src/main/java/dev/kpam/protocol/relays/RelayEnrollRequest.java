package dev.kpam.protocol.relays;

import java.util.List;

/**
 * {@code POST /api/v1/relay/enroll}: the one-time token, a PEM CSR made by the relay, and the
 * {@code host:port}s gateways and clients reach it at (their hosts go into its certificate).
 */
public record RelayEnrollRequest(String enrollToken, String csr, List<String> addresses) {
  @Override
  public String toString() {
    return "RelayEnrollRequest[enrollToken=<redacted>, addresses=" + addresses + "]";
  }
}
