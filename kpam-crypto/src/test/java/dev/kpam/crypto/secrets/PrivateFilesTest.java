package dev.kpam.crypto.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
  @TempDir Path tmp;

  @Test
  void aNewDirectoryAndItsMissingParentsAreOnlyTheOwners() throws Exception {
    Path dir = PrivateFiles.directory(tmp.resolve("a").resolve("b"));
    assertThat(mode(dir)).isEqualTo("rwx------");
    assertThat(mode(tmp.resolve("a"))).isEqualTo("rwx------");
  }

  @Test
  void anExistingDirectoryIsTightened() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("loose"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    PrivateFiles.directory(dir);
    assertThat(mode(dir)).isEqualTo("rwx------");
  }

  @Test
  void aReplacedFileIsOwnerOnlyAndLeavesNoTemporaryBehind() throws Exception {
    Path file = tmp.resolve("credential");
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    PrivateFiles.replace(file, "new".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(file)).isEqualTo("new");
    assertThat(mode(file)).isEqualTo("rw-------");
    try (var listing = Files.list(tmp)) {
      assertThat(listing).containsExactly(file);
    }
  }

  @Test
  void createIfMissingMakesAnEmptyOwnerOnlyFileAndTightensAnExistingOne() throws Exception {
    Path file = PrivateFiles.createIfMissing(tmp.resolve("kpam.db"));
    assertThat(Files.size(file)).isZero();
    assertThat(mode(file)).isEqualTo("rw-------");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
    PrivateFiles.createIfMissing(file);
    assertThat(mode(file)).isEqualTo("rw-------");
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
