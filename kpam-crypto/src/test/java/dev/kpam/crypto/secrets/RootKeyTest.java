package dev.kpam.crypto.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootKeyTest {
  @TempDir Path dir;

  @Test
  void rootKeyFileIsCreatedReadableByItsOwnerOnly() throws Exception {
    Path file = dir.resolve("data/keys/root.key");

    RootKey.loadOrCreate(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
    try (var siblings = Files.list(file.getParent())) {
      assertThat(siblings).containsExactly(file);
    }
  }

  @Test
  void rootKeyFileIsReadBackAsTheSameKey() {
    Path file = dir.resolve("root.key");
    DataKey dataKey = DataKey.generate();
    byte[] wrapped = RootKey.loadOrCreate(file).wrap(dataKey, "dk-1");

    DataKey unwrapped = RootKey.loadOrCreate(file).unwrap(wrapped, "dk-1");

    byte[] sealed = dataKey.encrypt(bytes("token"), null);
    assertThat(unwrapped.decrypt(sealed, null)).isEqualTo(bytes("token"));
  }

  @Test
  void rootKeyFileReadableByOthersIsRefused() throws Exception {
    Path file = dir.resolve("root.key");
    RootKey.loadOrCreate(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> RootKey.loadOrCreate(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "root key file "
                + file
                + " is accessible to group or others (rw-r--r--); run: chmod 600 "
                + file);
  }

  @Test
  void rootKeyFileOfTheWrongLengthIsRefused() throws Exception {
    Path file = dir.resolve("root.key");
    Files.writeString(file, Base64.getEncoder().encodeToString(new byte[16]));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    assertThatThrownBy(() -> RootKey.loadOrCreate(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("root key file " + file + ": expected 32 bytes in base64");
  }

  @Test
  void rootKeyFromBase64AcceptsSurroundingWhitespaceAndNothingButThirtyTwoBytes() {
    String text = Base64.getEncoder().encodeToString(new byte[32]);

    assertThat(RootKey.fromBase64("  " + text + "\n")).isNotNull();
    for (String bad : new String[] {"", "not base64!", text.substring(4), text + "AAAA", null}) {
      assertThatThrownBy(() -> RootKey.fromBase64(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("root key: expected 32 bytes in base64");
    }
  }

  @Test
  void dataKeyDoesNotUnwrapUnderAnotherRootKeyOrAnotherId() {
    RootKey root = RootKey.loadOrCreate(dir.resolve("a.key"));
    RootKey other = RootKey.loadOrCreate(dir.resolve("b.key"));
    byte[] wrapped = root.wrap(DataKey.generate(), "dk-1");

    assertThatThrownBy(() -> other.unwrap(wrapped, "dk-1"))
        .isInstanceOf(CryptoException.class)
        .hasMessage("data key dk-1 cannot be unwrapped: wrong root key or corrupted data");
    assertThatThrownBy(() -> root.unwrap(wrapped, "dk-2"))
        .isInstanceOf(CryptoException.class)
        .hasMessage("data key dk-2 cannot be unwrapped: wrong root key or corrupted data");
    wrapped[wrapped.length - 1] ^= 1;
    assertThatThrownBy(() -> root.unwrap(wrapped, "dk-1")).isInstanceOf(CryptoException.class);
    assertThatThrownBy(() -> root.unwrap(new byte[3], "dk-1")).isInstanceOf(CryptoException.class);
  }

  @Test
  void keysAreNeverPrinted() {
    assertThat(RootKey.loadOrCreate(dir.resolve("root.key"))).hasToString("RootKey[<redacted>]");
    assertThat(DataKey.generate()).hasToString("DataKey[<redacted>]");
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
