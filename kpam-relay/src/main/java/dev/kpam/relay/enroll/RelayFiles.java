package dev.kpam.relay.enroll;

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
 * The standalone relay's data dir (mode 0700): {@code relay.key} and {@code credential} (0600),
 * {@code relay.crt}, {@code ca.crt} and {@code relay.json} (id, name, addresses, server). Files are
 * replaced atomically, so a crash during renewal leaves the old or the new certificate, never half.
 *
 * <pre>{@code
 * RelayFiles files = RelayFiles.in(Path.of("/var/lib/kpam/relay"));
 * if (files.isEnrolled()) identity = files.load();
 * }</pre>
 */
public final class RelayFiles {
  private static final String META = "relay.json";

  private final IdentityFiles files;
  private final ObjectMapper json = new ObjectMapper();

  private RelayFiles(IdentityFiles files) {
    this.files = files;
  }

  public static RelayFiles in(Path dir) {
    return new RelayFiles(IdentityFiles.in(dir, "relay"));
  }

  public Path dir() {
    return files.dir();
  }

  public boolean isEnrolled() {
    return files.exists(META) && files.hasCertificate();
  }

  public RelayIdentity load() {
    files.secure();
    ObjectNode meta;
    try {
      meta = (ObjectNode) json.readTree(files.read(META));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(
          "cannot read the relay data in " + dir() + ": " + e.getOriginalMessage(), e);
    }
    List<String> addresses = new ArrayList<>();
    meta.withArray("addresses").forEach(node -> addresses.add(node.asText()));
    String server = meta.path("server").asText(null);
    return new RelayIdentity(
        meta.path("relayId").asText(),
        meta.path("name").asText(null),
        files.key(),
        files.certificate(),
        files.caChain(),
        files.credential(),
        addresses,
        server == null ? null : URI.create(server));
  }

  /** Writes every file of {@code identity}. */
  public void save(RelayIdentity identity) {
    saveCertificate(identity);
    files.saveCredential(identity.credential());
  }

  /** Writes the key, certificate, CA chain and the addresses they are for (after a renewal). */
  public void saveCertificate(RelayIdentity identity) {
    files.saveCertificate(identity.key(), identity.certificate(), identity.caChain());
    ObjectNode meta = json.createObjectNode();
    meta.put("relayId", identity.relayId());
    meta.put("name", identity.name());
    identity.addresses().forEach(meta.putArray("addresses")::add);
    meta.put("server", identity.server() == null ? null : identity.server().toString());
    try {
      files.writePublic(META, json.writerWithDefaultPrettyPrinter().writeValueAsString(meta));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the relay data", e);
    }
  }
}
