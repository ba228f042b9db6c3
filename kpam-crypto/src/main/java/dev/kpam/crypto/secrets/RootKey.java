package dev.kpam.crypto.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import javax.crypto.AEADBadTagException;

/**
 * The key that wraps every {@link DataKey}: 256 bits kept outside the database, in a file only its
 * owner may read or in an environment variable. Wrapping binds each data key to its id, so a
 * wrapped key moved to another id does not unwrap. Never printed; thread-safe.
 *
 * <pre>{@code
 * RootKey root = RootKey.loadOrCreate(dataDir.resolve("root.key"));
 * DataKey key = root.unwrap(wrapped, keyId);
 * }</pre>
 */
public final class RootKey {
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private final byte[] key;

  private RootKey(byte[] key) {
    this.key = key;
  }

  /**
   * The root key in {@code file}, which is created (mode 0600, in directories of mode 0700) with a
   * new random key if it does not exist.
   *
   * @throws IllegalStateException if the file is accessible to group or others, or does not hold 32
   *     bytes in base64
   */
  public static RootKey loadOrCreate(Path file) {
    try {
      return Files.exists(file) ? load(file) : create(file);
    } catch (IOException e) {
      throw new UncheckedIOException("root key file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The root key given as base64 text, say from an environment variable.
   *
   * @throws IllegalArgumentException if {@code text} is not 32 bytes in base64
   */
  public static RootKey fromBase64(String text) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text == null ? "" : text.strip());
    } catch (IllegalArgumentException e) {
      key = new byte[0];
    }
    if (key.length != AesGcm.KEY_BYTES) {
      throw new IllegalArgumentException("root key: expected 32 bytes in base64");
    }
    return new RootKey(key);
  }

  /** {@code key} sealed under this root key, bound to {@code keyId}. */
  public byte[] wrap(DataKey key, String keyId) {
    return AesGcm.seal(this.key, key.bytes(), associatedData(keyId));
  }

  /**
   * The data key that {@link #wrap} sealed as {@code keyId}.
   *
   * @throws CryptoException if this is not the root key that wrapped it, {@code keyId} is not the
   *     id it was wrapped with, or the data was altered
   */
  public DataKey unwrap(byte[] wrapped, String keyId) {
    try {
      return new DataKey(AesGcm.open(key, wrapped, associatedData(keyId)));
    } catch (AEADBadTagException e) {
      throw new CryptoException(
          "data key " + keyId + " cannot be unwrapped: wrong root key or corrupted data", e);
    }
  }

  @Override
  public String toString() {
    return "RootKey[<redacted>]";
  }

  private static byte[] associatedData(String keyId) {
    return ("kpam data key " + keyId).getBytes(StandardCharsets.UTF_8);
  }

  private static RootKey load(Path file) throws IOException {
    PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (posix != null) {
      Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
      if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
        throw new IllegalStateException(
            "root key file "
                + file
                + " is accessible to group or others ("
                + PosixFilePermissions.toString(permissions)
                + "); run: chmod 600 "
                + file);
      }
    }
    try {
      return fromBase64(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("root key file " + file + ": expected 32 bytes in base64", e);
    }
  }

  /**
   * Writes a new key to a private temporary file and links it into place, which fails if another
   * process created the file meanwhile; that process's key then wins, and both use it.
   */
  private static RootKey create(Path file) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    boolean posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(directory)) {
      // Only a directory made here is tightened: a given --root-key-file may sit in a shared one.
      PrivateFiles.directory(directory);
    }
    byte[] key = new byte[AesGcm.KEY_BYTES];
    new SecureRandom().nextBytes(key);
    byte[] text =
        (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
    Path temporary =
        Files.createTempFile(
            directory,
            ".root-key-",
            ".tmp",
            posix ? attributes("rw-------") : new FileAttribute<?>[0]);
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(text);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.createLink(file, temporary);
      return new RootKey(key);
    } catch (FileAlreadyExistsException e) {
      return load(file);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static FileAttribute<?>[] attributes(String permissions) {
    return new FileAttribute<?>[] {
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))
    };
  }
}
