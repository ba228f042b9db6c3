package dev.kpam.protocol.gateways;

/** {@code POST /api/v1/gateway/enroll}: the one-time token and a PEM CSR made by the gateway. */
public record EnrollRequest(String enrollToken, String csr, String version) {
  @Override
  public String toString() {
    return "EnrollRequest[enrollToken=<redacted>, version=" + version + "]";
  }
}
