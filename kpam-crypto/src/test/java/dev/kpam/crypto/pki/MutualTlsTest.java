package dev.kpam.crypto.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real TLS 1.3 on loopback: the certificates kpam issues must work for JSSE as they are. */
class MutualTlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static final int TIMEOUT_MILLIS = 10_000;

  // JSSE checks validity against the real time, so these certificates are issued at it.
  final Clock clock = Clock.systemUTC();
  final CertificateAuthority ca = CertificateAuthority.create("kpam test CA", clock);
  final ExecutorService serverThread = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopServer() {
    serverThread.shutdownNow();
  }

  @Test
  void gatewayAndSessionCertificatesAuthenticateEachOtherOverTls() throws Exception {
    KeyPair gatewayKeys = KeyPairs.generateEcP256();
    X509Certificate gatewayCert =
        ca.issueGatewayCertificate(gatewayKeys.getPublic(), "gw-1", Duration.ofHours(1));
    KeyPair sessionKeys = KeyPairs.generateEcP256();
    X509Certificate sessionCert =
        ca.issueSessionCertificate(
            sessionKeys.getPublic(), "sess-1", "gw-1", clock.instant().plusSeconds(600));
    SSLContext gateway =
        context(keyManagers(gatewayKeys, gatewayCert), KeyStores.trustStore(ca.chain()));
    SSLContext client =
        context(keyManagers(sessionKeys, sessionCert), KeyStores.trustStore(ca.chain()));

    try (SSLServerSocket server = listen(gateway, true)) {
      Future<KpamIdentity> seenByGateway =
          serverThread.submit(
              () -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                  socket.setSoTimeout(TIMEOUT_MILLIS);
                  socket.getOutputStream().write(socket.getInputStream().read());
                  return KpamIdentity.require(
                      (X509Certificate) socket.getSession().getPeerCertificates()[0]);
                }
              });
      try (SSLSocket socket = connect(client, server, null)) {
        socket.getOutputStream().write(42);
        assertThat(socket.getInputStream().read()).isEqualTo(42);
        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(
                KpamIdentity.require(
                    (X509Certificate) socket.getSession().getPeerCertificates()[0]))
            .isEqualTo(KpamIdentity.gateway("gw-1"));
      }
      assertThat(seenByGateway.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
          .isEqualTo(KpamIdentity.session("sess-1", "gw-1"));
    }
  }

  @Test
  void clientWithoutACertificateIsRefusedWhenOneIsRequired() throws Exception {
    KeyPair gatewayKeys = KeyPairs.generateEcP256();
    X509Certificate gatewayCert =
        ca.issueGatewayCertificate(gatewayKeys.getPublic(), "gw-1", Duration.ofHours(1));
    SSLContext gateway =
        context(keyManagers(gatewayKeys, gatewayCert), KeyStores.trustStore(ca.chain()));
    SSLContext anonymous = context(null, KeyStores.trustStore(ca.chain()));

    try (SSLServerSocket server = listen(gateway, true)) {
      Future<Integer> accepted =
          serverThread.submit(
              () -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                  socket.setSoTimeout(TIMEOUT_MILLIS);
                  return socket.getInputStream().read();
                }
              });
      try (SSLSocket socket = connect(anonymous, server, null)) {
        assertThatThrownBy(
                () -> {
                  socket.getOutputStream().write(42);
                  socket.getInputStream().read();
                })
            .isInstanceOf(IOException.class);
      }
      assertThatThrownBy(() -> accepted.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void selfSignedLoopbackCertificateIsTrustedForItsIpAddress() throws Exception {
    KeyPair proxyKeys = KeyPairs.generateEcP256();
    X509Certificate proxyCert =
        SelfSignedCertificate.create(
            proxyKeys,
            "kpam local proxy",
            List.of("localhost"),
            List.of("127.0.0.1"),
            Duration.ofHours(1),
            clock);
    SSLContext proxy = context(keyManagers(proxyKeys, proxyCert), KeyStores.trustStore(List.of()));
    SSLContext kubectl = context(null, KeyStores.trustStore(List.of(proxyCert)));

    try (SSLServerSocket server = listen(proxy, false)) {
      Future<Integer> echoed =
          serverThread.submit(
              () -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                  socket.setSoTimeout(TIMEOUT_MILLIS);
                  int b = socket.getInputStream().read();
                  socket.getOutputStream().write(b);
                  return b;
                }
              });
      try (SSLSocket socket = connect(kubectl, server, "HTTPS")) {
        socket.getOutputStream().write(7);
        assertThat(socket.getInputStream().read()).isEqualTo(7);
      }
      assertThat(echoed.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)).isEqualTo(7);
    }
  }

  private static KeyManager[] keyManagers(KeyPair keys, X509Certificate cert) throws Exception {
    KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
    factory.init(KeyStores.of(keys.getPrivate(), List.of(cert), PASSWORD), PASSWORD);
    return factory.getKeyManagers();
  }

  private static SSLContext context(KeyManager[] keyManagers, KeyStore trust) throws Exception {
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(keyManagers, trustManagers.getTrustManagers(), null);
    return context;
  }

  private static SSLServerSocket listen(SSLContext context, boolean needClientAuth)
      throws Exception {
    SSLServerSocket server =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
    server.setNeedClientAuth(needClientAuth);
    server.setSoTimeout(TIMEOUT_MILLIS);
    return server;
  }

  /** A handshaken client socket; {@code endpointCheck} "HTTPS" verifies the server's names. */
  private static SSLSocket connect(SSLContext context, SSLServerSocket server, String endpointCheck)
      throws Exception {
    SSLSocket socket =
        (SSLSocket)
            context.getSocketFactory().createSocket(server.getInetAddress(), server.getLocalPort());
    socket.setSoTimeout(TIMEOUT_MILLIS);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm(endpointCheck);
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }
}
