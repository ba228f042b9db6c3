package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.crypto.pki.KeyStores;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.testing.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {
  @TempDir Path dataDir;

  @Test
  void withACertificateAndKeyTheServerSpeaksHttpsOnly() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("test CA", Clock.systemUTC());
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
    ServerConfig config =
        ServerConfig.builder()
            .dataDir(dataDir)
            .bindHost("127.0.0.1")
            .httpPort(0)
            .tls(cert, privateKey)
            .bootstrapPassword(TestServer.ADMIN_PASSWORD)
            .clock(TestClock.startingNow())
            .build();
    try (KpamServer server = KpamServer.start(config)) {
      assertThat(server.url().getScheme()).isEqualTo("https");
      SSLContext tls = KeyStores.clientTrusting(List.of(ca.certificate()));
      HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
      HttpResponse<String> health =
          client.send(
              HttpRequest.newBuilder(server.url().resolve("/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("ok");

      // Plain HTTP on the TLS port is refused (Jetty answers 400 or drops the connection).
      int plainStatus;
      try {
        plainStatus =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.httpPort() + "/healthz"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode();
      } catch (java.io.IOException e) {
        plainStatus = -1;
      }
      assertThat(plainStatus).isIn(-1, 400);
    }
  }
}
