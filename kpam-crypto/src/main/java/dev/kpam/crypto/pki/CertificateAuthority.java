package dev.kpam.crypto.pki;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * The kpam certificate authority: it signs gateway, session, relay and server certificates. Leaf
 * certificates get a random 128-bit serial, notBefore one minute in the past (clock skew between
 * peers), the CA's authority key identifier, and {@code kpam://} identities (see {@link
 * KpamIdentity}). Times come from the injected clock; X.509 stores whole seconds, so a notAfter
 * with a fraction is rounded down, never past the requested instant. Instances are immutable and
 * thread-safe.
 *
 * <pre>{@code
 * CertificateAuthority ca = CertificateAuthority.create("kpam internal CA", clock);
 * X509Certificate cert = ca.issueSessionCertificate(key, sessionId, gatewayId, expiresAt);
 * }</pre>
 */
public final class CertificateAuthority {
  private static final int VALIDITY_YEARS = 10;

  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final Clock clock;
  private final X500Name name;

  private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey, Clock clock) {
    this.certificate = certificate;
    this.privateKey = privateKey;
    this.clock = clock;
    // The issuer of each leaf must match the CA's subject byte for byte, so reuse its encoding.
    this.name = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
  }

  /** A new self-signed ECDSA P-256 CA named {@code CN=commonName}, valid for ten years. */
  public static CertificateAuthority create(String commonName, Clock clock) {
    KeyPair keyPair = KeyPairs.generateEcP256();
    Instant now = clock.instant();
    Instant notAfter = now.atOffset(ZoneOffset.UTC).plusYears(VALIDITY_YEARS).toInstant();
    X500Name name = CertificateDraft.name(commonName, null);
    X509Certificate certificate =
        new CertificateDraft(
                name, name, keyPair.getPublic(), now.minus(CertificateDraft.CLOCK_SKEW), notAfter)
            .add(Extension.basicConstraints, true, new BasicConstraints(true))
            .add(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
            .signWith(keyPair.getPrivate());
    return new CertificateAuthority(certificate, keyPair.getPrivate(), clock);
  }

  /**
   * An existing CA.
   *
   * @throws IllegalArgumentException if {@code certificate} is not a CA certificate or {@code
   *     privateKey} is not its key
   */
  public static CertificateAuthority of(
      X509Certificate certificate, PrivateKey privateKey, Clock clock) {
    if (certificate.getBasicConstraints() < 0) {
      throw new IllegalArgumentException(
          "CA certificate: "
              + certificate.getSubjectX500Principal().getName()
              + " (expected: basicConstraints CA true)");
    }
    if (!KeyPairs.matches(privateKey, certificate.getPublicKey())) {
      throw new IllegalArgumentException("CA private key does not match the CA certificate");
    }
    return new CertificateAuthority(certificate, privateKey, clock);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The certificates a peer needs to trust what this CA issues; for now only the CA itself. */
  public List<X509Certificate> chain() {
    return List.of(certificate);
  }

  /**
   * A certificate for gateway {@code gatewayId}: {@code CN=<gatewayId>, O=kpam-gateway}, URI {@code
   * kpam://gateway/<gatewayId>} and DNS {@code <gatewayId>.gateway.kpam}, for TLS server and client
   * authentication (the gateway serves the CLI and dials the relay).
   */
  public X509Certificate issueGatewayCertificate(
      PublicKey key, String gatewayId, Duration validity) {
    KpamIdentity.requireId("gatewayId", gatewayId);
    CertificateDraft.requirePositive("validity", validity);
    Instant now = clock.instant();
    return leaf(CertificateDraft.name(gatewayId, "kpam-gateway"), key, now.plus(validity))
        .add(
            Extension.subjectAlternativeName,
            false,
            CertificateDraft.altNames(
                List.of(KpamIdentity.GATEWAY_URI + gatewayId),
                List.of(gatewayId + ".gateway.kpam"),
                List.of()))
        .add(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
        .signWith(privateKey);
  }

  /**
   * A client certificate for session {@code sessionId} through gateway {@code gatewayId}: {@code
   * CN=<sessionId>, O=kpam-session}, URIs {@code kpam://session/<sessionId>} and {@code
   * kpam://gateway/<gatewayId>}, expiring when the session does.
   *
   * @throws IllegalArgumentException if {@code notAfter} is not in the future
   */
  public X509Certificate issueSessionCertificate(
      PublicKey key, String sessionId, String gatewayId, Instant notAfter) {
    KpamIdentity.requireId("sessionId", sessionId);
    KpamIdentity.requireId("gatewayId", gatewayId);
    Instant now = clock.instant();
    if (!notAfter.isAfter(now)) {
      throw new IllegalArgumentException(
          "notAfter: " + notAfter + " (expected: after now, " + now + ")");
    }
    return leaf(CertificateDraft.name(sessionId, "kpam-session"), key, notAfter)
        .add(
            Extension.subjectAlternativeName,
            false,
            CertificateDraft.altNames(
                List.of(KpamIdentity.SESSION_URI + sessionId, KpamIdentity.GATEWAY_URI + gatewayId),
                List.of(),
                List.of()))
        .add(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
        .signWith(privateKey);
  }

  /**
   * A certificate for relay {@code relayId}: {@code CN=<relayId>, O=kpam-relay}, URI {@code
   * kpam://relay/<relayId>} and the DNS names and IP addresses the relay is reached at, for TLS
   * server authentication. Gateways and clients accept a relay only with such a certificate.
   */
  public X509Certificate issueRelayCertificate(
      PublicKey key,
      String relayId,
      List<String> dnsNames,
      List<String> ipAddresses,
      Duration validity) {
    KpamIdentity.requireId("relayId", relayId);
    CertificateDraft.requirePositive("validity", validity);
    Instant now = clock.instant();
    return leaf(CertificateDraft.name(relayId, "kpam-relay"), key, now.plus(validity))
        .add(
            Extension.subjectAlternativeName,
            false,
            CertificateDraft.altNames(
                List.of(KpamIdentity.RELAY_URI + relayId), dnsNames, ipAddresses))
        .add(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
        .signWith(privateKey);
  }

  /** A TLS server certificate {@code CN=commonName} for the given DNS names and IP addresses. */
  public X509Certificate issueServerCertificate(
      PublicKey key,
      String commonName,
      List<String> dnsNames,
      List<String> ipAddresses,
      Duration validity) {
    CertificateDraft.requirePositive("validity", validity);
    Instant now = clock.instant();
    return leaf(CertificateDraft.name(commonName, null), key, now.plus(validity))
        .add(
            Extension.subjectAlternativeName,
            false,
            CertificateDraft.altNames(List.of(), dnsNames, ipAddresses))
        .add(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
        .signWith(privateKey);
  }

  @Override
  public String toString() {
    return "CertificateAuthority[" + certificate.getSubjectX500Principal().getName() + "]";
  }

  private CertificateDraft leaf(X500Name subject, PublicKey key, Instant notAfter) {
    Instant notBefore = clock.instant().minus(CertificateDraft.CLOCK_SKEW);
    return new CertificateDraft(name, subject, key, notBefore, notAfter)
        .issuedBy(certificate)
        .add(Extension.basicConstraints, true, new BasicConstraints(false))
        .add(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
  }
}
