package dev.kpam.crypto.pki;

import java.security.PublicKey;
import java.util.Objects;

/**
 * A certificate signing request whose self-signature has been verified, so the requester holds the
 * private key of {@code publicKey}. The requested name is advice only: the CA decides the subject
 * of what it issues. {@code commonName} is empty when the request's subject has none.
 *
 * <pre>{@code
 * CertificateRequest request = Csrs.parse(pem);
 * X509Certificate cert = ca.issueGatewayCertificate(request.publicKey(), gatewayId, validity);
 * }</pre>
 */
public record CertificateRequest(PublicKey publicKey, String commonName) {
  public CertificateRequest {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(commonName, "commonName");
  }
}
