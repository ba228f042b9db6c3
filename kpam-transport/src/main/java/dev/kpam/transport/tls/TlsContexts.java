package dev.kpam.transport.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty {@link SslContext}s for kpam's TLS hops: TLS 1.3 and 1.2, optional ALPN {@code http/1.1},
 * the OpenSSL (BoringSSL) provider when it loads, else the JDK's.
 *
 * <p>Client contexts verify that the server's chain ends at one of {@code trustedCas} but do
 * <b>not</b> verify host names: kpam peers are identified by their {@code kpam://} identity, which
 * callers check with {@link PeerIdentity} after the handshake (the CLI checks the gateway's
 * identity on the inner TLS). On the relay hop the chain check alone authenticates the relay: only
 * the kpam CA, which callers pass as {@code trustedCas}, can issue a certificate that passes it.
 *
 * <pre>{@code
 * SslContext server = TlsContexts.server(key, chain, ca.chain(), ClientAuth.REQUIRE, true);
 * SslContext client = TlsContexts.client(sessionKey, List.of(sessionCert), ca.chain(), true);
 * }</pre>
 */
public final class TlsContexts {
  private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  // Chosen (and logged) once per class loading; immutable afterwards.
  private static final SslProvider PROVIDER = chooseProvider();

  private TlsContexts() {}

  /**
   * A server context presenting {@code chain} (leaf first) and checking client certificates against
   * {@code trustedCas} as {@code clientAuth} says.
   */
  public static SslContext server(
      PrivateKey key,
      List<X509Certificate> chain,
      List<X509Certificate> trustedCas,
      ClientAuth clientAuth,
      boolean alpnHttp11) {
    Objects.requireNonNull(key, "key");
    requireNotEmpty("chain", chain);
    requireNotEmpty("trustedCas", trustedCas);
    Objects.requireNonNull(clientAuth, "clientAuth");
    SslContextBuilder builder =
        SslContextBuilder.forServer(key, chain).trustManager(trustedCas).clientAuth(clientAuth);
    return build(builder, alpnHttp11);
  }

  /**
   * A client context presenting {@code chain} with {@code key} (no client certificate if {@code
   * key} is null) and accepting servers whose chain ends at one of {@code trustedCas}, without host
   * name verification (see the class comment).
   */
  public static SslContext client(
      PrivateKey key,
      List<X509Certificate> chain,
      List<X509Certificate> trustedCas,
      boolean alpnHttp11) {
    requireNotEmpty("trustedCas", trustedCas);
    SslContextBuilder builder =
        SslContextBuilder.forClient()
            .trustManager(trustedCas)
            // kpam identities are SAN URIs checked by the caller, not host names.
            .endpointIdentificationAlgorithm(null);
    if (key != null) {
      requireNotEmpty("chain", chain);
      builder.keyManager(key, chain);
    }
    return build(builder, alpnHttp11);
  }

  /** The provider the contexts use: {@code OPENSSL} when netty-tcnative loads, else {@code JDK}. */
  public static SslProvider provider() {
    return PROVIDER;
  }

  private static SslContext build(SslContextBuilder builder, boolean alpnHttp11) {
    // The key store only hands the key to the key manager in memory and is never written: JKS
    // takes a millisecond where the JDK's default PKCS12 runs PBKDF2 with 10 000 iterations over
    // the key for each context (tens of ms warm, far more in a fresh JVM; a kpam k8s access
    // builds three before kubectl can connect).
    builder.sslProvider(PROVIDER).protocols(PROTOCOLS).keyStoreType("JKS");
    if (alpnHttp11) {
      builder.applicationProtocolConfig(
          new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              ApplicationProtocolNames.HTTP_1_1));
    }
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalArgumentException("cannot build a TLS context: " + e.getMessage(), e);
    }
  }

  private static void requireNotEmpty(String field, List<X509Certificate> certificates) {
    if (certificates == null || certificates.isEmpty()) {
      throw new IllegalArgumentException(field + ": " + certificates + " (expected: at least one)");
    }
  }

  private static SslProvider chooseProvider() {
    if (OpenSsl.isAvailable()) {
      log.info("TLS provider: OpenSSL ({})", OpenSsl.versionString());
      return SslProvider.OPENSSL;
    }
    log.info(
        "TLS provider: JDK (OpenSSL unavailable: {})",
        String.valueOf(OpenSsl.unavailabilityCause()));
    return SslProvider.JDK;
  }
}
