package dev.kpam.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.server.KpamServer;
import dev.kpam.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server with a certificate from a private CA: the CLI trusts it only when told to. */
class CliOverHttpsTest {
  private static final String PASSWORD = "admin-password-over-tls";
  @TempDir Path temp;

  @Test
  void loginWithTheServersCaCertificateWorksAndIsRememberedWhileWithoutItTlsIsRefused()
      throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("private CA", Clock.systemUTC());
    KeyPair key = KeyPairs.generateEcP256();
    Path cert = temp.resolve("tls.crt");
    Path privateKey = temp.resolve("tls.key");
    Path caFile = temp.resolve("ca.pem");
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
    Files.writeString(caFile, Pem.encodeCertificate(ca.certificate()));
    try (KpamServer server =
        KpamServer.start(
            ServerConfig.builder()
                .dataDir(temp.resolve("server"))
                .bindHost("127.0.0.1")
                .httpPort(0)
                .tls(cert, privateKey)
                .bootstrapPassword(PASSWORD)
                .build())) {
      String url = "https://127.0.0.1:" + server.httpPort();
      KpamCli admin = new KpamCli(temp.resolve("admin"));

      var refused =
          admin.runWithInput(
              PASSWORD + "\n", "login", "--server", url, "--user", "admin", "--password-stdin");
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.err()).startsWith("error: ").doesNotContain("Exception");

      var login =
          admin.runWithInput(
              PASSWORD + "\n",
              "login",
              "--server",
              url,
              "--user",
              "admin",
              "--password-stdin",
              "--ca-cert",
              caFile.toString());
      assertThat(login.exitCode()).as(login.err()).isZero();
      var users = admin.run("users", "list", "-o", "json");
      assertThat(users.exitCode()).as(users.err()).isZero();
      assertThat(users.json().get(0).get("name").asText()).isEqualTo("admin");

      var again =
          admin.runWithInput(
              PASSWORD + "\n", "login", "--server", url, "--user", "admin", "--password-stdin");
      assertThat(again.exitCode()).as("the saved CA is reused: " + again.err()).isZero();

      var notPem =
          admin.run(
              "login", "--server", url, "--ca-cert", cert.resolveSibling("tls.key").toString());
      assertThat(notPem.exitCode()).isEqualTo(1);
      assertThat(notPem.err()).contains("--ca-cert").doesNotContain("PRIVATE KEY");
    }
  }
}
