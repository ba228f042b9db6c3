package dev.kpam.cli.access;

import dev.kpam.transport.tls.TlsContexts;
import io.netty.handler.ssl.SslContext;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The client TLS contexts of one session, made once so that TLS sessions resume: {@code outer} to
 * the relay, {@code inner} (ALPN {@code http/1.1}) to the gateway, both presenting the session
 * certificate and trusting only the kpam CA.
 */
record SessionTls(SslContext outer, SslContext inner, String gatewayId) {
  SessionTls {
    Objects.requireNonNull(outer, "outer");
    Objects.requireNonNull(inner, "inner");
    Objects.requireNonNull(gatewayId, "gatewayId");
  }

  static SessionTls of(
      PrivateKey key,
      X509Certificate certificate,
      List<X509Certificate> caChain,
      String gatewayId) {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(certificate);
    for (X509Certificate ca : caChain) {
      if (!ca.getSubjectX500Principal().equals(ca.getIssuerX500Principal())) {
        chain.add(ca); // intermediates travel with the leaf; the root is the peer's trust anchor
      }
    }
    return new SessionTls(
        TlsContexts.client(key, chain, caChain, false),
        TlsContexts.client(key, chain, caChain, true),
        gatewayId);
  }
}
