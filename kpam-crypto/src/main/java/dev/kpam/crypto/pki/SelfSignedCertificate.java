package dev.kpam.crypto.pki;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * A TLS server certificate that is its own CA, for a listener whose clients are told to trust
 * exactly this certificate, such as the CLI's loopback proxy whose certificate goes into a
 * kubeconfig as {@code certificate-authority-data}. It carries basicConstraints CA true so that it
 * can anchor its own chain, and subject alternative names because Go's crypto/x509 (kubectl)
 * ignores the common name.
 *
 * <pre>{@code
 * X509Certificate cert = SelfSignedCertificate.create(
 *     keyPair, "kpam local proxy", List.of("localhost"), List.of("127.0.0.1"), ttl, clock);
 * }</pre>
 */
public final class SelfSignedCertificate {
  private SelfSignedCertificate() {}

  public static X509Certificate create(
      KeyPair keyPair,
      String commonName,
      List<String> dnsNames,
      List<String> ipAddresses,
      Duration validity,
      Clock clock) {
    CertificateDraft.requirePositive("validity", validity);
    X500Name name = CertificateDraft.name(commonName, null);
    Instant now = clock.instant();
    return new CertificateDraft(
            name,
            name,
            keyPair.getPublic(),
            now.minus(CertificateDraft.CLOCK_SKEW),
            now.plus(validity))
        .add(Extension.basicConstraints, true, new BasicConstraints(true))
        .add(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign))
        .add(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
        .add(
            Extension.subjectAlternativeName,
            false,
            CertificateDraft.altNames(List.of(), dnsNames, ipAddresses))
        .signWith(keyPair.getPrivate());
  }
}
