package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.crypto.pki.KeyStores;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.testing.TestClock;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UiTlsTest {
  @TempDir Path dataDir;

  @Test
  void overTlsTheUiCookiesAreSecure() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("test CA", Clock.systemUTC());
    KeyPair key = KeyPairs.generateEcP256();
    Path cert = dataDir.resolve("tls.crt");
    Path privateKey = dataDir.resolve("tls.key");
    Files.writeString(
        cert,
        Pem.encodeCertificate(
            ca.issueServerCertificate(
                key.getPublic(),
                "localhost",
                List.of("localhost"),
                List.of("127.0.0.1"),
                Duration.ofDays(1))));
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
      SSLContext tls = KeyStores.clientTrusting(List.of(ca.certificate()));
      HttpClient client = HttpClient.newBuilder().sslContext(tls).build();

      HttpResponse<String> form =
          client.send(
              HttpRequest.newBuilder(server.url().resolve("/ui/login")).build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(form.statusCode()).isEqualTo(200);
      assertThat(form.headers().allValues("Set-Cookie"))
          .singleElement()
          .asString()
          .startsWith("kpam_ui_login=")
          .contains("; Secure", "HttpOnly", "SameSite=Strict");
    }
  }
}
