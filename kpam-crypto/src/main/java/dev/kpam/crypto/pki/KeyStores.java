package dev.kpam.crypto.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * In-memory PKCS#12 key stores for JSSE ({@code KeyManagerFactory}, {@code TrustManagerFactory})
 * and for servers configured through them.
 *
 * <pre>{@code
 * KeyStore keys = KeyStores.of(keyPair.getPrivate(), List.of(cert, ca.certificate()), pw);
 * KeyStore trust = KeyStores.trustStore(ca.chain());
 * HttpClient http = HttpClient.newBuilder().sslContext(KeyStores.clientTrusting(cas)).build();
 * }</pre>
 */
public final class KeyStores {
  /** The alias of the one key entry in a store made by {@link #of}. */
  public static final String ALIAS = "kpam";

  private KeyStores() {}

  /**
   * A store holding {@code key} under {@link #ALIAS} with {@code chain}, leaf first.
   *
   * @throws IllegalArgumentException if the chain is empty or its leaf is not {@code key}'s
   */
  public static KeyStore of(PrivateKey key, List<X509Certificate> chain, char[] password) {
    if (chain.isEmpty() || !KeyPairs.matches(key, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException(
          "chain: its first certificate must be the private key's (leaf first)");
    }
    KeyStore store = empty();
    try {
      store.setKeyEntry(ALIAS, key, password, chain.toArray(X509Certificate[]::new));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("key and chain cannot be stored: " + e.getMessage(), e);
    }
    return store;
  }

  /** A store trusting each of {@code certificates}, as aliases {@code trusted-0}, {@code -1} … */
  public static KeyStore trustStore(List<X509Certificate> certificates) {
    KeyStore store = empty();
    try {
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("trusted-" + i, certificates.get(i));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("certificate cannot be stored: " + e.getMessage(), e);
    }
    return store;
  }

  /**
   * A TLS client context that trusts exactly {@code certificates}, e.g. for {@code
   * java.net.http.HttpClient} talking to a server with a certificate from a private CA.
   */
  public static SSLContext clientTrusting(List<X509Certificate> certificates) {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore(certificates));
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      return tls;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make a TLS context: " + e.getMessage(), e);
    }
  }

  private static KeyStore empty() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("this JVM has no PKCS12 key store", e);
    }
  }
}
