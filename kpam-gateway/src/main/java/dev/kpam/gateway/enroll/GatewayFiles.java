package dev.kpam.gateway.enroll;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kpam.crypto.pki.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The gateway's data dir (mode 0700): {@code gateway.key} and {@code credential} (0600), {@code
 * gateway.crt}, {@code ca.crt} and {@code gateway.json} (id, name, relays, server). Files are
 * replaced atomically, so a crash during renewal leaves the old or the new certificate, never half.
 *
 * <pre>{@code
 * GatewayFiles files = GatewayFiles.in(Path.of("/var/lib/kpam/gateway"));
 * if (files.isEnrolled()) identity = files.load();
 * }</pre>
 */
public final class GatewayFiles {
  private static final Set<PosixFilePermission> SECRET =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PUBLIC =
      PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");

  private final Path dir;
  private final ObjectMapper json = new ObjectMapper();

  private GatewayFiles(Path dir) {
    this.dir = dir;
  }

  public static GatewayFiles in(Path dir) {
    return new GatewayFiles(dir.toAbsolutePath());
  }

  public Path dir() {
    return dir;
  }

  public boolean isEnrolled() {
    return Files.exists(dir.resolve("gateway.json")) && Files.exists(dir.resolve("gateway.key"));
  }

  public GatewayIdentity load() {
    try {
      ObjectNode meta = (ObjectNode) json.readTree(dir.resolve("gateway.json").toFile());
      List<String> relays = new ArrayList<>();
      meta.withArray("relayAddresses").forEach(node -> relays.add(node.asText()));
      String server = meta.path("server").asText(null);
      return new GatewayIdentity(
          meta.path("gatewayId").asText(),
          meta.path("name").asText(null),
          Pem.parsePrivateKey(read("gateway.key")),
          Pem.parseCertificate(read("gateway.crt")),
          Pem.parseCertificates(read("ca.crt")),
          read("credential").trim(),
          relays,
          server == null ? null : URI.create(server));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the gateway data in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Writes every file of {@code identity}. */
  public void save(GatewayIdentity identity) {
    try {
      createDir();
      saveCertificate(identity);
      write("credential", identity.credential() + "\n", SECRET);
      ObjectNode meta = json.createObjectNode();
      meta.put("gatewayId", identity.gatewayId());
      meta.put("name", identity.name());
      identity.relayAddresses().forEach(meta.putArray("relayAddresses")::add);
      meta.put("server", identity.server() == null ? null : identity.server().toString());
      write("gateway.json", json.writerWithDefaultPrettyPrinter().writeValueAsString(meta), PUBLIC);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the gateway data in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Writes the key, certificate and CA chain (after a renewal). */
  public void saveCertificate(GatewayIdentity identity) {
    try {
      createDir();
      write("gateway.key", Pem.encodePrivateKey(identity.key()), SECRET);
      write("gateway.crt", Pem.encodeCertificate(identity.certificate()), PUBLIC);
      write(
          "ca.crt",
          identity.caChain().stream().map(Pem::encodeCertificate).collect(Collectors.joining()),
          PUBLIC);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the gateway data in " + dir + ": " + e.getMessage(), e);
    }
  }

  private void createDir() throws IOException {
    Files.createDirectories(dir);
    if (posix()) {
      Files.setPosixFilePermissions(dir, DIR);
    }
  }

  private String read(String name) throws IOException {
    return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
  }

  private void write(String name, String content, Set<PosixFilePermission> mode)
      throws IOException {
    Path temp = dir.resolve("." + name + ".tmp");
    Files.deleteIfExists(temp);
    if (posix()) {
      Files.createFile(temp, PosixFilePermissions.asFileAttribute(mode));
    }
    Files.writeString(temp, content, StandardCharsets.UTF_8);
    try {
      Files.move(
          temp,
          dir.resolve(name),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
