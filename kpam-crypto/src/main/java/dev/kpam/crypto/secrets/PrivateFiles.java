package dev.kpam.crypto.secrets;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only their owner may read: directories of mode 0700 and files of mode 0600, for the data
 * dirs of the server, gateway and relay and the CLI's config dir. Modes are set when a file is
 * created (never a moment readable by others) and tightened on existing ones; on a file system
 * without POSIX modes (Windows) they are left to the platform.
 *
 * <pre>{@code
 * Path dir = PrivateFiles.directory(dataDir);            // 0700, made if missing
 * PrivateFiles.replace(dir.resolve("credential"), text); // 0600, atomically
 * }</pre>
 */
public final class PrivateFiles {
  /** rwx------ */
  public static final Set<PosixFilePermission> DIRECTORY_MODE =
      PosixFilePermissions.fromString("rwx------");

  /** rw------- */
  public static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /** Creates {@code dir} (and missing parents) with mode 0700, or tightens it to 0700. */
  public static Path directory(Path dir) throws IOException {
    if (!posix()) {
      return Files.createDirectories(dir);
    }
    if (Files.isDirectory(dir)) {
      Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
      return dir;
    }
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
    // createDirectories applies the umask; set the mode exactly.
    Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
    return dir;
  }

  /** Tightens {@code file} to mode 0600 if it exists; true when it exists. */
  public static boolean restrict(Path file) throws IOException {
    if (!Files.exists(file)) {
      return false;
    }
    if (posix()) {
      Files.setPosixFilePermissions(file, FILE_MODE);
    }
    return true;
  }

  /** Creates an empty {@code file} with mode 0600 unless it exists, then tightens it to 0600. */
  public static Path createIfMissing(Path file) throws IOException {
    if (!Files.exists(file)) {
      try {
        Files.createFile(file, fileAttributes(FILE_MODE));
      } catch (FileAlreadyExistsException raced) {
        // Another process made it meanwhile; tighten that one.
      }
    }
    restrict(file);
    return file;
  }

  /** Replaces {@code file} atomically by one of mode 0600 holding {@code content}. */
  public static void replace(Path file, byte[] content) throws IOException {
    replace(file, content, FILE_MODE);
  }

  /**
   * Replaces {@code file} atomically by one of {@code mode} holding {@code content}: written to a
   * temporary file beside it, then moved into place, so a crash leaves the old or the new file.
   */
  public static void replace(Path file, byte[] content, Set<PosixFilePermission> mode)
      throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temp =
        Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp", fileAttributes(mode));
    try {
      Files.write(temp, content);
      try {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The attribute that creates a file with {@code mode}, or none without POSIX modes. */
  public static FileAttribute<?>[] fileAttributes(Set<PosixFilePermission> mode) {
    return posix()
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
        : new FileAttribute<?>[0];
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
