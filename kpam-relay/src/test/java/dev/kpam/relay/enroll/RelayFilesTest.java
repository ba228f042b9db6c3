package dev.kpam.relay.enroll;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyPairs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayFilesTest {
  @TempDir Path dir;

  final CertificateAuthority ca = CertificateAuthority.create("kpam test CA", Clock.systemUTC());

  @Test
  void theIdentityIsStoredWithTheKeyAndCredentialReadableByTheOwnerOnly() throws Exception {
    RelayFiles files = RelayFiles.in(dir.resolve("relay"));
    RelayIdentity identity = identity("r-1", List.of("relay.example.com:7443"));

    assertThat(files.isEnrolled()).isFalse();
    files.save(identity);

    assertThat(files.isEnrolled()).isTrue();
    RelayIdentity loaded = files.load();
    assertThat(loaded.relayId()).isEqualTo("r-1");
    assertThat(loaded.name()).isEqualTo("edge");
    assertThat(loaded.credential()).isEqualTo("kprl_secret");
    assertThat(loaded.certificate()).isEqualTo(identity.certificate());
    assertThat(loaded.key().getEncoded()).isEqualTo(identity.key().getEncoded());
    assertThat(loaded.caChain()).isEqualTo(ca.chain());
    assertThat(loaded.addresses()).containsExactly("relay.example.com:7443");
    assertThat(loaded.server()).isEqualTo(URI.create("https://kpam.example.com"));
    assertThat(mode(files.dir())).isEqualTo("rwx------");
    assertThat(mode(files.dir().resolve("relay.key"))).isEqualTo("rw-------");
    assertThat(mode(files.dir().resolve("credential"))).isEqualTo("rw-------");
    assertThat(mode(files.dir().resolve("relay.crt"))).isEqualTo("rw-r--r--");
    assertThat(identity.toString()).doesNotContain("kprl_secret");
  }

  @Test
  void loadingAtStartTightensWhatSomeoneLoosened() throws Exception {
    RelayFiles files = RelayFiles.in(dir.resolve("relay"));
    files.save(identity("r-1", List.of("relay.example.com:7443")));
    Files.setPosixFilePermissions(files.dir(), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        files.dir().resolve("relay.key"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(
        files.dir().resolve("credential"), PosixFilePermissions.fromString("rw-rw-rw-"));

    files.load();

    assertThat(mode(files.dir())).isEqualTo("rwx------");
    assertThat(mode(files.dir().resolve("relay.key"))).isEqualTo("rw-------");
    assertThat(mode(files.dir().resolve("credential"))).isEqualTo("rw-------");
  }

  @Test
  void aRenewalReplacesKeyCertificateAndAddressesButKeepsTheCredential() {
    RelayFiles files = RelayFiles.in(dir);
    RelayIdentity first = identity("r-1", List.of("a.example.com:7443"));
    files.save(first);
    KeyPair keys = KeyPairs.generateEcP256();

    files.saveCertificate(
        first.withCertificate(
            keys.getPrivate(),
            ca.issueRelayCertificate(
                keys.getPublic(), "r-1", List.of("b.example.com"), List.of(), Duration.ofHours(1)),
            ca.chain(),
            List.of("b.example.com:7443")));

    RelayIdentity loaded = files.load();
    assertThat(loaded.key().getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    assertThat(loaded.addresses()).containsExactly("b.example.com:7443");
    assertThat(loaded.credential()).isEqualTo("kprl_secret");
  }

  private RelayIdentity identity(String relayId, List<String> addresses) {
    KeyPair keys = KeyPairs.generateEcP256();
    return new RelayIdentity(
        relayId,
        "edge",
        keys.getPrivate(),
        ca.issueRelayCertificate(
            keys.getPublic(),
            relayId,
            List.of("relay.example.com"),
            List.of(),
            Duration.ofHours(1)),
        ca.chain(),
        "kprl_secret",
        addresses,
        URI.create("https://kpam.example.com"));
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
