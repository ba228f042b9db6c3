package dev.kpam.relay;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.transport.tls.TlsContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Certificates and TLS contexts for relay tests, issued at the real time (TLS checks it). */
final class TestPki {
  final Clock clock = Clock.systemUTC();
  final CertificateAuthority ca = CertificateAuthority.create("kpam test CA", clock);
  final KeyPair relayKeys = KeyPairs.generateEcP256();
  final X509Certificate relayCert = relayCertificate(relayKeys, "test-relay");

  RelayConfig relayConfig(int port, SessionGate gate) {
    return new RelayConfig(
        "127.0.0.1",
        port,
        relayKeys.getPrivate(),
        List.of(relayCert),
        ca.chain(),
        gate,
        clock,
        Duration.ofMillis(100),
        Duration.ofMillis(600));
  }

  X509Certificate relayCertificate(KeyPair keys, String relayId) {
    return ca.issueRelayCertificate(
        keys.getPublic(), relayId, List.of("localhost"), List.of("127.0.0.1"), Duration.ofHours(1));
  }

  Identity gateway(String gatewayId) {
    KeyPair keys = KeyPairs.generateEcP256();
    return new Identity(
        keys, ca.issueGatewayCertificate(keys.getPublic(), gatewayId, Duration.ofHours(1)), ca);
  }

  Identity session(String sessionId, String gatewayId) {
    return session(ca, sessionId, gatewayId, clock.instant().plus(Duration.ofHours(1)));
  }

  static Identity session(
      CertificateAuthority issuer, String sessionId, String gatewayId, Instant notAfter) {
    KeyPair keys = KeyPairs.generateEcP256();
    return new Identity(
        keys,
        issuer.issueSessionCertificate(keys.getPublic(), sessionId, gatewayId, notAfter),
        issuer);
  }

  /** A key, its certificate, and contexts for the outer (relay) and inner (end to end) TLS. */
  record Identity(KeyPair keys, X509Certificate certificate, CertificateAuthority issuer) {
    SslContext relayClientTls(CertificateAuthority trusted) {
      return TlsContexts.client(keys.getPrivate(), List.of(certificate), trusted.chain(), false);
    }

    SslContext innerServerTls() {
      return TlsContexts.server(
          keys.getPrivate(), List.of(certificate), issuer.chain(), ClientAuth.REQUIRE, false);
    }
  }
}
