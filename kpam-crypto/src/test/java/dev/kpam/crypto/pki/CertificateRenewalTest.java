package dev.kpam.crypto.pki;

import static dev.kpam.crypto.pki.CertificateAuthorityTest.CLOCK;
import static dev.kpam.crypto.pki.CertificateAuthorityTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateRenewalTest {
  final CertificateAuthority ca = CertificateAuthority.create("kpam test CA", CLOCK);

  @Test
  void aCertificateIsDueAtTwoThirdsOfItsLifetimeCountedFromItsArrival() {
    X509Certificate cert =
        ca.issueGatewayCertificate(
            KeyPairs.generateEcP256().getPublic(), "gw-1", Duration.ofSeconds(30));

    // notBefore is a minute back: counted from it, the certificate would be overdue on arrival.
    assertThat(CertificateRenewal.due(cert, NOW)).isEqualTo(NOW.plusSeconds(20));
    assertThat(CertificateRenewal.delay(cert, NOW, NOW)).isEqualTo(Duration.ofSeconds(20));
    assertThat(CertificateRenewal.delay(cert, NOW, NOW.plusSeconds(25))).isZero();
  }

  @Test
  void aCertificateOfUnknownArrivalCountsFromItsNotBefore() {
    X509Certificate cert =
        ca.issueRelayCertificate(
            KeyPairs.generateEcP256().getPublic(),
            "r-1",
            List.of("relay.example.com"),
            List.of(),
            Duration.ofMinutes(59));
    Instant notBefore = cert.getNotBefore().toInstant();

    assertThat(CertificateRenewal.due(cert, notBefore))
        .isEqualTo(notBefore.plus(Duration.ofMinutes(40)));
  }
}
