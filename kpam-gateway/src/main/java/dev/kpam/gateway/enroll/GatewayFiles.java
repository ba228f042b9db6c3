package dev.kpam.gateway.enroll;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kpam.crypto.pki.IdentityFiles;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
  private static final String META = "gateway.json";

  private final IdentityFiles files;
  private final ObjectMapper json = new ObjectMapper();

  private GatewayFiles(IdentityFiles files) {
    this.files = files;
  }

  public static GatewayFiles in(Path dir) {
    return new GatewayFiles(IdentityFiles.in(dir, "gateway"));
  }

  public Path dir() {
    return files.dir();
  }

  public boolean isEnrolled() {
    return files.exists(META) && files.exists("gateway.key");
  }

  public GatewayIdentity load() {
    files.secure();
    ObjectNode meta;
    try {
      meta = (ObjectNode) json.readTree(files.read(META));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(
          "cannot read the gateway data in " + dir() + ": " + e.getOriginalMessage(), e);
    }
    List<String> relays = new ArrayList<>();
    meta.withArray("relayAddresses").forEach(node -> relays.add(node.asText()));
    String server = meta.path("server").asText(null);
    return new GatewayIdentity(
        meta.path("gatewayId").asText(),
        meta.path("name").asText(null),
        files.key(),
        files.certificate(),
        files.caChain(),
        files.credential(),
        relays,
        server == null ? null : URI.create(server));
  }

  /** Writes every file of {@code identity}. */
  public void save(GatewayIdentity identity) {
    saveCertificate(identity);
    files.saveCredential(identity.credential());
    ObjectNode meta = json.createObjectNode();
    meta.put("gatewayId", identity.gatewayId());
    meta.put("name", identity.name());
    identity.relayAddresses().forEach(meta.putArray("relayAddresses")::add);
    meta.put("server", identity.server() == null ? null : identity.server().toString());
    try {
      files.writePublic(META, json.writerWithDefaultPrettyPrinter().writeValueAsString(meta));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the gateway data", e);
    }
  }

  /** Writes the key, certificate and CA chain (after a renewal). */
  public void saveCertificate(GatewayIdentity identity) {
    files.saveCertificate(identity.key(), identity.certificate(), identity.caChain());
  }
}
