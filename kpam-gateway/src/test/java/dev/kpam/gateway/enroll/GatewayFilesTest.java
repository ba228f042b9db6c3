package dev.kpam.gateway.enroll;

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

class GatewayFilesTest {
  @TempDir Path dir;

  final CertificateAuthority ca = CertificateAuthority.create("kpam test CA", Clock.systemUTC());

  @Test
  void theKeyAndCredentialAreReadableByTheOwnerOnlyInADirectoryOnlyTheOwnerMayEnter()
      throws Exception {
    GatewayFiles files = GatewayFiles.in(dir.resolve("gateway"));
    files.save(identity());

    assertThat(mode(files.dir())).isEqualTo("rwx------");
    assertThat(mode(files.dir().resolve("gateway.key"))).isEqualTo("rw-------");
    assertThat(mode(files.dir().resolve("credential"))).isEqualTo("rw-------");
    assertThat(files.load().credential()).isEqualTo("kpgw_secret");
  }

  @Test
  void loadingAtStartTightensWhatSomeoneLoosened() throws Exception {
    GatewayFiles files = GatewayFiles.in(dir.resolve("gateway"));
    files.save(identity());
    Files.setPosixFilePermissions(files.dir(), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        files.dir().resolve("gateway.key"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(
        files.dir().resolve("credential"), PosixFilePermissions.fromString("rw-rw-rw-"));

    files.load();

    assertThat(mode(files.dir())).isEqualTo("rwx------");
    assertThat(mode(files.dir().resolve("gateway.key"))).isEqualTo("rw-------");
    assertThat(mode(files.dir().resolve("credential"))).isEqualTo("rw-------");
  }

  private GatewayIdentity identity() {
    KeyPair keys = KeyPairs.generateEcP256();
    return new GatewayIdentity(
        "gw-1",
        "dc1",
        keys.getPrivate(),
        ca.issueGatewayCertificate(keys.getPublic(), "gw-1", Duration.ofHours(1)),
        ca.chain(),
        "kpgw_secret",
        List.of("relay.example.com:8443"),
        URI.create("https://kpam.example.com"));
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
