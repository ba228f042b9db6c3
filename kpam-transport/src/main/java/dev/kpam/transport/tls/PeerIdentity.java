package dev.kpam.transport.tls;

import dev.kpam.crypto.pki.KpamIdentity;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The peer of a completed TLS handshake, as kpam sees it: its leaf certificate and the {@code
 * kpam://} identity that certificate carries.
 *
 * <pre>{@code
 * SSLSession session = channel.pipeline().get(SslHandler.class).engine().getSession();
 * Optional<KpamIdentity> peer = PeerIdentity.of(session);
 * }</pre>
 */
public final class PeerIdentity {
  private PeerIdentity() {}

  /**
   * The kpam identity of the peer's leaf certificate; empty if it presented none or no identity.
   */
  public static Optional<KpamIdentity> of(SSLSession session) {
    return leafIfAny(session).flatMap(KpamIdentity::of);
  }

  /**
   * The peer's leaf certificate.
   *
   * @throws IllegalStateException if the peer presented no X.509 certificate
   */
  public static X509Certificate leaf(SSLSession session) {
    return leafIfAny(session)
        .orElseThrow(() -> new IllegalStateException("the TLS peer presented no certificate"));
  }

  private static Optional<X509Certificate> leafIfAny(SSLSession session) {
    Certificate[] certificates;
    try {
      certificates = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
    if (certificates == null
        || certificates.length == 0
        || !(certificates[0] instanceof X509Certificate)) {
      return Optional.empty();
    }
    return Optional.of((X509Certificate) certificates[0]);
  }
}
