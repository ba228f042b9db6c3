package dev.kpam.cli.access;

import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.crypto.pki.SelfSignedCertificate;
import dev.kpam.transport.tls.TlsContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The local proxy's own certificate, made for one session: self-signed, for {@code localhost} and
 * {@code 127.0.0.1}; its PEM goes into the kubeconfig as {@code certificate-authority-data}. The
 * private key stays in memory.
 */
final class LocalCertificate {
  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private LocalCertificate(KeyPair keyPair, X509Certificate certificate) {
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  static LocalCertificate create(Duration validity, Clock clock) {
    KeyPair keyPair = KeyPairs.generateEcP256();
    return new LocalCertificate(
        keyPair,
        SelfSignedCertificate.create(
            keyPair,
            "kpam local proxy",
            List.of("localhost"),
            List.of("127.0.0.1"),
            validity,
            clock));
  }

  X509Certificate certificate() {
    return certificate;
  }

  String pem() {
    return Pem.encodeCertificate(certificate);
  }

  /** TLS for kubectl: no client certificate, ALPN {@code http/1.1} (never h2, see NOTES.md). */
  SslContext serverContext() {
    return TlsContexts.server(
        keyPair.getPrivate(), List.of(certificate), List.of(certificate), ClientAuth.NONE, true);
  }
}
