package dev.kpam.crypto.pki;

import static dev.kpam.crypto.pki.CertificateAuthorityTest.CLOCK;
import static dev.kpam.crypto.pki.CertificateAuthorityTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kpam.crypto.pki.KpamIdentity.Kind;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class KpamIdentityTest {
  final CertificateAuthority ca = CertificateAuthority.create("kpam test CA", CLOCK);
  final KeyPair keys = KeyPairs.generateEcP256();

  @Test
  void gatewayCertificateSpeaksForItsGateway() {
    X509Certificate cert = ca.issueGatewayCertificate(keys.getPublic(), "gw-1", Duration.ofDays(1));

    assertThat(KpamIdentity.of(cert)).contains(new KpamIdentity(Kind.GATEWAY, null, "gw-1", null));
  }

  @Test
  void sessionCertificateSpeaksForItsSessionThroughItsGateway() {
    X509Certificate cert =
        ca.issueSessionCertificate(
            keys.getPublic(),
            "3f1c9a52-7d4e-4b8a-9c61-0f2e8d7b5a43",
            "gw-1",
            NOW.plus(Duration.ofHours(1)));

    KpamIdentity identity = KpamIdentity.require(cert);

    assertThat(identity.kind()).isEqualTo(Kind.SESSION);
    assertThat(identity.sessionId()).isEqualTo("3f1c9a52-7d4e-4b8a-9c61-0f2e8d7b5a43");
    assertThat(identity.gatewayId()).isEqualTo("gw-1");
  }

  @Test
  void relayCertificateSpeaksForItsRelayOnly() {
    X509Certificate cert =
        ca.issueRelayCertificate(
            keys.getPublic(), "r-1", List.of("relay.example.com"), List.of(), Duration.ofDays(1));

    KpamIdentity identity = KpamIdentity.require(cert);

    assertThat(identity.kind()).isEqualTo(Kind.RELAY);
    assertThat(identity.relayId()).isEqualTo("r-1");
    assertThat(identity.gatewayId()).isNull();
    assertThat(identity.describe()).isEqualTo("relay r-1");
  }

  @Test
  void aRelayNameBesideAnotherKpamNameMeansNoIdentity() throws Exception {
    assertThat(KpamIdentity.of(withUris("kpam://relay/r-1"))).contains(KpamIdentity.relay("r-1"));
    assertThat(KpamIdentity.of(withUris("kpam://relay/r-1", "kpam://gateway/gw-1"))).isEmpty();
    assertThat(
            KpamIdentity.of(
                withUris("kpam://relay/r-1", "kpam://session/s-1", "kpam://gateway/gw-1")))
        .isEmpty();
    assertThat(KpamIdentity.of(withUris("kpam://relay/r-1", "kpam://relay/r-2"))).isEmpty();
    assertThat(KpamIdentity.of(withUris("kpam://relay/R_1"))).isEmpty();
  }

  @Test
  void foreignCertificateWithoutKpamNamesHasNoIdentity() throws Exception {
    X509Certificate server =
        ca.issueServerCertificate(
            keys.getPublic(), "relay", List.of("relay.example.com"), List.of(), Duration.ofDays(1));

    assertThat(KpamIdentity.of(server)).isEmpty();
    assertThat(KpamIdentity.of(withUris())).isEmpty();
    assertThatThrownBy(() -> KpamIdentity.require(server))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("certificate carries no kpam identity");
  }

  @Test
  void otherUrisBesideTheKpamOnesAreIgnored() throws Exception {
    assertThat(KpamIdentity.of(withUris("spiffe://cluster.local/ns/a/sa/b", "kpam://gateway/gw-1")))
        .contains(KpamIdentity.gateway("gw-1"));
  }

  @Test
  void malformedOrRepeatedKpamNamesMeanNoIdentity() throws Exception {
    assertThat(KpamIdentity.of(withUris("kpam://gateway/gw-1", "kpam://gateway/gw-2"))).isEmpty();
    assertThat(
            KpamIdentity.of(
                withUris("kpam://session/s-1", "kpam://session/s-2", "kpam://gateway/gw-1")))
        .isEmpty();
    assertThat(KpamIdentity.of(withUris("kpam://session/s-1"))).as("no gateway").isEmpty();
    assertThat(KpamIdentity.of(withUris("kpam://gateway/gw-1/admin"))).isEmpty();
    assertThat(KpamIdentity.of(withUris("kpam://gateway/GW_1"))).isEmpty();
    assertThat(KpamIdentity.of(withUris("kpam://gateway/"))).isEmpty();
    assertThat(KpamIdentity.of(withUris("kpam://gateway/gw-1", "kpam://admin/root"))).isEmpty();
  }

  @Test
  void identityValuesAreValidatedWhenBuilt() {
    assertThatThrownBy(() -> new KpamIdentity(Kind.GATEWAY, "s-1", "gw-1", null))
        .hasMessage("sessionId: s-1 (expected: none)");
    assertThatThrownBy(() -> new KpamIdentity(Kind.RELAY, null, "gw-1", "r-1"))
        .hasMessage("gatewayId: gw-1 (expected: none)");
    assertThatThrownBy(() -> new KpamIdentity(Kind.SESSION, "s-1", "gw-1", "r-1"))
        .hasMessage("relayId: r-1 (expected: none)");
    assertThatThrownBy(() -> KpamIdentity.session(null, "gw-1"))
        .hasMessageStartingWith("sessionId: 'null' (expected:");
  }

  /** A self-signed certificate, not made by kpam, carrying exactly these URI names. */
  private X509Certificate withUris(String... uris) throws Exception {
    X500Name name = new X500Name("CN=foreign");
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.ONE,
            Date.from(NOW),
            Date.from(NOW.plus(Duration.ofDays(1))),
            name,
            keys.getPublic());
    if (uris.length > 0) {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              Arrays.stream(uris)
                  .map(uri -> new GeneralName(GeneralName.uniformResourceIdentifier, uri))
                  .toArray(GeneralName[]::new)));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA")
                    .setProvider(new BouncyCastleProvider())
                    .build(keys.getPrivate())));
  }
}
