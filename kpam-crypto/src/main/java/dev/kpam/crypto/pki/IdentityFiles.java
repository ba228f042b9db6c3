package dev.kpam.crypto.pki;

import dev.kpam.crypto.secrets.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The data dir of a kpam part that enrolled with the server (a gateway, a relay): a directory of
 * mode 0700 holding {@code <part>.key} and {@code credential} (mode 0600), {@code <part>.crt},
 * {@code ca.crt}, and whatever else the part keeps there. Every file is replaced atomically, so a
 * crash during a renewal leaves the old or the new certificate, never half of one. I/O failures are
 * {@link UncheckedIOException}s that name the part and the directory.
 *
 * <pre>{@code
 * IdentityFiles files = IdentityFiles.in(Path.of("/var/lib/kpam/relay"), "relay");
 * files.saveCertificate(key, certificate, caChain);
 * }</pre>
 */
public final class IdentityFiles {
  private static final Set<PosixFilePermission> SECRET = PrivateFiles.FILE_MODE;
  private static final Set<PosixFilePermission> PUBLIC =
      PosixFilePermissions.fromString("rw-r--r--");
  private static final String CREDENTIAL = "credential";
  private static final String CA_CHAIN = "ca.crt";

  private final Path dir;
  private final String part;

  private IdentityFiles(Path dir, String part) {
    this.dir = dir;
    this.part = part;
  }

  /** The identity of {@code part} ({@code gateway}, {@code relay}) in {@code dir}. */
  public static IdentityFiles in(Path dir, String part) {
    if (part == null || !part.matches("[a-z]+")) {
      throw new IllegalArgumentException("part: '" + part + "' (expected: a word such as relay)");
    }
    return new IdentityFiles(dir.toAbsolutePath(), part);
  }

  public Path dir() {
    return dir;
  }

  public boolean exists(String name) {
    return Files.exists(dir.resolve(name));
  }

  /** Whether the key and certificate have been saved. */
  public boolean hasCertificate() {
    return exists(keyFile()) && exists(certificateFile());
  }

  public String read(String name) {
    try {
      return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw failure("read", e);
    }
  }

  /**
   * Tightens the directory to 0700 and the key and credential to 0600, in case someone loosened
   * them since they were written; called when the identity is loaded at start.
   */
  public void secure() {
    try {
      PrivateFiles.directory(dir);
      PrivateFiles.restrict(dir.resolve(keyFile()));
      PrivateFiles.restrict(dir.resolve(CREDENTIAL));
    } catch (IOException e) {
      throw failure("secure", e);
    }
  }

  /** Writes {@code name} readable by its owner only (mode 0600). */
  public void writeSecret(String name, String content) {
    write(name, content, SECRET);
  }

  /** Writes {@code name} readable by everyone (mode 0644). */
  public void writePublic(String name, String content) {
    write(name, content, PUBLIC);
  }

  /** Writes the key (0600), the certificate and the CA chain, e.g. after a renewal. */
  public void saveCertificate(
      PrivateKey key, X509Certificate certificate, List<X509Certificate> caChain) {
    writeSecret(keyFile(), Pem.encodePrivateKey(key));
    writePublic(certificateFile(), Pem.encodeCertificate(certificate));
    writePublic(
        CA_CHAIN, caChain.stream().map(Pem::encodeCertificate).collect(Collectors.joining()));
  }

  /** Writes the credential for the server API (0600). */
  public void saveCredential(String credential) {
    writeSecret(CREDENTIAL, credential + "\n");
  }

  public PrivateKey key() {
    return Pem.parsePrivateKey(read(keyFile()));
  }

  public X509Certificate certificate() {
    return Pem.parseCertificate(read(certificateFile()));
  }

  public List<X509Certificate> caChain() {
    return Pem.parseCertificates(read(CA_CHAIN));
  }

  public String credential() {
    return read(CREDENTIAL).trim();
  }

  private String keyFile() {
    return part + ".key";
  }

  private String certificateFile() {
    return part + ".crt";
  }

  private void write(String name, String content, Set<PosixFilePermission> mode) {
    try {
      PrivateFiles.directory(dir);
      PrivateFiles.replace(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8), mode);
    } catch (IOException e) {
      throw failure("write", e);
    }
  }

  private UncheckedIOException failure(String what, IOException e) {
    return new UncheckedIOException(
        "cannot " + what + " the " + part + " data in " + dir + ": " + e.getMessage(), e);
  }
}
