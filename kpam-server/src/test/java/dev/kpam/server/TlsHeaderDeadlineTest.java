package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.crypto.pki.KeyStores;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.testing.TestClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over HTTPS the header deadline counts from the TCP connection: the handshake is inside it. */
class TlsHeaderDeadlineTest {
  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);

  @TempDir Path dataDir;
  private CertificateAuthority ca;
  private KpamServer server;

  @BeforeEach
  void start() throws IOException {
    ca = CertificateAuthority.create("test CA", Clock.systemUTC());
    KeyPair key = KeyPairs.generateEcP256();
    X509Certificate certificate =
        ca.issueServerCertificate(
            key.getPublic(),
            "localhost",
            List.of("localhost"),
            List.of("127.0.0.1"),
            Duration.ofDays(1));
    Path cert = dataDir.resolve("tls.crt");
    Path privateKey = dataDir.resolve("tls.key");
    Files.writeString(cert, Pem.encodeCertificate(certificate));
    Files.writeString(privateKey, Pem.encodePrivateKey(key.getPrivate()));
    server =
        KpamServer.start(
            ServerConfig.builder()
                .dataDir(dataDir)
                .bindHost("127.0.0.1")
                .httpPort(0)
                .relayPort(18443)
                .tls(cert, privateKey)
                .bootstrapPassword(TestServer.ADMIN_PASSWORD)
                .clock(TestClock.startingNow())
                .headerTimeout(HEADER_TIMEOUT)
                .build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aClientThatNeverStartsTheHandshakeIsClosed() throws IOException {
    try (Socket socket = RawHttp.open(server.url())) {
      long started = System.nanoTime();
      assertClosed(socket.getInputStream());
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isLessThan(HEADER_TIMEOUT.plusSeconds(3));
    }
  }

  @Test
  void aClientThatStopsHalfWayThroughItsHeadersIsClosed() throws Exception {
    SSLContext tls = KeyStores.clientTrusting(List.of(ca.certificate()));
    try (SSLSocket socket =
        (SSLSocket)
            tls.getSocketFactory().createSocket(server.url().getHost(), server.url().getPort())) {
      socket.setSoTimeout(30_000);
      socket.startHandshake();
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /api/v1/auth/whoami HTTP/1.1\r\nHost: localhost\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long started = System.nanoTime();
      assertClosed(socket.getInputStream());
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isLessThan(HEADER_TIMEOUT.plusSeconds(3));
    }
  }

  private static void assertClosed(InputStream in) throws IOException {
    try {
      byte[] buffer = new byte[4096];
      while (in.read(buffer) >= 0) {
        // anything said before closing does not matter here
      }
    } catch (SocketException | SSLException closed) {
      // closed too
    }
  }
}
