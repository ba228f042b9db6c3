package dev.kpam.crypto.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  final CertificateAuthority ca = CertificateAuthority.create("kpam test CA", CLOCK);
  final KeyPair leafKeys = KeyPairs.generateEcP256();

  @Test
  void caIsASelfSignedP256AuthorityValidForTenYears() throws Exception {
    X509Certificate cert = ca.certificate();

    cert.verify(cert.getPublicKey());
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=kpam test CA");
    assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
    assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(cert.getKeyUsage()[6]).as("cRLSign").isTrue();
    assertThat(cert.getExtensionValue("2.5.29.14")).as("subject key identifier").isNotNull();
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(Instant.parse("2036-03-01T12:00:00Z"));
    assertThat(ca.chain()).containsExactly(cert);
  }

  @Test
  void relayCertificateCarriesItsIdentityAndTheNamesItIsReachedAt() throws Exception {
    X509Certificate cert =
        ca.issueRelayCertificate(
            leafKeys.getPublic(),
            "r-1",
            List.of("relay.example.com"),
            List.of("10.0.0.9"),
            Duration.ofDays(30));

    validate(cert, ca.certificate(), NOW);
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=r-1,O=kpam-relay");
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(
            List.of(6, "kpam://relay/r-1"),
            List.of(2, "relay.example.com"),
            List.of(7, "10.0.0.9"));
    assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(30)));
    assertThat(KpamIdentity.require(cert)).isEqualTo(KpamIdentity.relay("r-1"));
  }

  @Test
  void gatewayCertificateChainsToTheCaUnderPkix() throws Exception {
    X509Certificate cert =
        ca.issueGatewayCertificate(leafKeys.getPublic(), "gw-1", Duration.ofDays(30));

    validate(cert, ca.certificate(), NOW);
    assertThatThrownBy(() -> validate(cert, ca.certificate(), NOW.plus(Duration.ofDays(31))))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void gatewayCertificateCarriesItsNamesUsagesAndValidity() throws Exception {
    X509Certificate cert =
        ca.issueGatewayCertificate(leafKeys.getPublic(), "gw-1", Duration.ofDays(30));

    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=gw-1,O=kpam-gateway");
    assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(
            List.of(6, "kpam://gateway/gw-1"), List.of(2, "gw-1.gateway.kpam"));
    assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH, CLIENT_AUTH);
    assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(1)));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(30)));
    assertThat(cert.getSerialNumber().signum()).isPositive();
    assertThat(cert.getSerialNumber().bitLength()).isEqualTo(128);
    assertThat(cert.getPublicKey()).isEqualTo(leafKeys.getPublic());
    assertThat(authorityKeyId(cert)).isEqualTo(subjectKeyId(ca.certificate()));
  }

  @Test
  void sessionCertificateExpiresExactlyWhenTheSessionDoes() throws Exception {
    Instant expiresAt = NOW.plus(Duration.ofMinutes(45));

    X509Certificate cert =
        ca.issueSessionCertificate(leafKeys.getPublic(), "sess-1", "gw-1", expiresAt);

    assertThat(cert.getNotAfter().toInstant()).isEqualTo(expiresAt);
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(1)));
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=sess-1,O=kpam-session");
    assertThat(cert.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    validate(cert, ca.certificate(), expiresAt.minusSeconds(1));
    assertThatThrownBy(() -> validate(cert, ca.certificate(), expiresAt.plusSeconds(1)))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void sessionCertificateNeverOutlivesAnExpiryWithAFractionOfASecond() {
    Instant expiresAt = NOW.plus(Duration.ofMinutes(5)).plusMillis(750);

    X509Certificate cert =
        ca.issueSessionCertificate(leafKeys.getPublic(), "sess-1", "gw-1", expiresAt);

    assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
  }

  @Test
  void sessionCertificateForAnExpiryThatHasPassedIsRefused() {
    assertThatThrownBy(
            () -> ca.issueSessionCertificate(leafKeys.getPublic(), "sess-1", "gw-1", NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("notAfter: 2026-03-01T12:00:00Z (expected: after now");
  }

  @Test
  void identifiersThatCannotBeANameAreRefused() {
    assertThatThrownBy(
            () -> ca.issueGatewayCertificate(leafKeys.getPublic(), "gw/../x", Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("gatewayId: 'gw/../x' (expected:");
    assertThatThrownBy(
            () -> ca.issueGatewayCertificate(leafKeys.getPublic(), "gw-1", Duration.ZERO))
        .hasMessage("validity: PT0S (expected: positive)");
  }

  @Test
  void serverCertificateNamesItsHostsAndServesOnlyAsAServer() throws Exception {
    X509Certificate cert =
        ca.issueServerCertificate(
            leafKeys.getPublic(),
            "kpam relay",
            List.of("relay.example.com"),
            List.of("10.0.0.7", "::1"),
            Duration.ofDays(90));

    validate(cert, ca.certificate(), NOW);
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(
            List.of(2, "relay.example.com"), List.of(7, "10.0.0.7"), List.of(7, "0:0:0:0:0:0:0:1"));
    assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThatThrownBy(
            () ->
                ca.issueServerCertificate(
                    leafKeys.getPublic(), "x", List.of(), List.of("localhost"), Duration.ofDays(1)))
        .hasMessage("ipAddresses: 'localhost' (expected: an IPv4 or IPv6 literal)");
  }

  @Test
  void eachCertificateGetsItsOwnSerial() {
    BigInteger first =
        ca.issueGatewayCertificate(leafKeys.getPublic(), "gw-1", Duration.ofDays(1))
            .getSerialNumber();
    BigInteger second =
        ca.issueGatewayCertificate(leafKeys.getPublic(), "gw-1", Duration.ofDays(1))
            .getSerialNumber();

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void caRestoredFromPemIssuesCertificatesThatChainToTheOriginal() throws Exception {
    CertificateAuthority restored =
        CertificateAuthority.of(
            Pem.parseCertificate(Pem.encodeCertificate(ca.certificate())),
            Pem.parsePrivateKey(Pem.encodePrivateKey(ca.privateKey())),
            CLOCK);

    X509Certificate cert =
        restored.issueGatewayCertificate(leafKeys.getPublic(), "gw-2", Duration.ofDays(1));

    validate(cert, ca.certificate(), NOW);
  }

  @Test
  void caRefusesAPrivateKeyThatIsNotItsOwn() {
    assertThatThrownBy(
            () -> CertificateAuthority.of(ca.certificate(), leafKeys.getPrivate(), CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("CA private key does not match the CA certificate");
  }

  @Test
  void caRefusesALeafCertificate() {
    X509Certificate leaf =
        ca.issueGatewayCertificate(leafKeys.getPublic(), "gw-1", Duration.ofDays(1));

    assertThatThrownBy(() -> CertificateAuthority.of(leaf, leafKeys.getPrivate(), CLOCK))
        .hasMessage("CA certificate: CN=gw-1,O=kpam-gateway (expected: basicConstraints CA true)");
  }

  @Test
  void caDoesNotPrintItsKey() {
    assertThat(ca.toString()).isEqualTo("CertificateAuthority[CN=kpam test CA]");
  }

  @Test
  void selfSignedCertificateIsItsOwnTrustAnchorForTheNamesItCarries() throws Exception {
    KeyPair keys = KeyPairs.generateEcP256();
    X509Certificate cert =
        SelfSignedCertificate.create(
            keys,
            "kpam local proxy",
            List.of("localhost"),
            List.of("127.0.0.1"),
            Duration.ofHours(1),
            CLOCK);

    cert.verify(keys.getPublic());
    assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(cert.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(1)));
    assertThat(KpamIdentity.of(cert)).isEmpty();
  }

  static void validate(X509Certificate leaf, X509Certificate root, Instant at) throws Exception {
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    parameters.setRevocationEnabled(false);
    parameters.setDate(Date.from(at));
    CertPathValidator.getInstance("PKIX")
        .validate(
            CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
  }

  private static byte[] authorityKeyId(X509Certificate cert) throws Exception {
    return AuthorityKeyIdentifier.getInstance(
            JcaX509ExtensionUtils.parseExtensionValue(cert.getExtensionValue("2.5.29.35")))
        .getKeyIdentifierOctets();
  }

  private static byte[] subjectKeyId(X509Certificate cert) throws Exception {
    return SubjectKeyIdentifier.getInstance(
            JcaX509ExtensionUtils.parseExtensionValue(cert.getExtensionValue("2.5.29.14")))
        .getKeyIdentifier();
  }
}
