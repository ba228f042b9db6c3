package dev.kpam.server.secrets;

import dev.kpam.crypto.secrets.DataKey;
import dev.kpam.crypto.secrets.RootKey;
import dev.kpam.server.Ids;
import dev.kpam.server.db.Database;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Envelope encryption of secrets at rest (DESIGN §5): each secret is sealed with AES-256-GCM under
 * a data key; data keys are stored wrapped by the root key, which never touches the database. The
 * associated data binds a ciphertext to the row it belongs to, so a sealed token copied onto
 * another account does not open.
 *
 * <pre>{@code
 * Sealed sealed = secrets.seal(tokenBytes, "account:" + accountId);
 * byte[] token = secrets.open(sealed, "account:" + accountId);
 * }</pre>
 */
public final class SecretStore {
  private final Database db;
  private final RootKey rootKey;
  private final Clock clock;
  private final Ids ids;
  private final Map<String, DataKey> unwrapped = new ConcurrentHashMap<>();
  private volatile String activeKeyId;

  /** A sealed secret and the data key that sealed it. */
  public record Sealed(String dataKeyId, byte[] ciphertext) {}

  public SecretStore(Database db, RootKey rootKey, Clock clock, Ids ids) {
    this.db = db;
    this.rootKey = rootKey;
    this.clock = clock;
    this.ids = ids;
  }

  public Sealed seal(byte[] plaintext, String context) {
    String keyId = activeKeyId();
    return new Sealed(keyId, dataKey(keyId).encrypt(plaintext, aad(context)));
  }

  public byte[] open(Sealed sealed, String context) {
    return dataKey(sealed.dataKeyId()).decrypt(sealed.ciphertext(), aad(context));
  }

  private static byte[] aad(String context) {
    return context.getBytes(StandardCharsets.UTF_8);
  }

  private String activeKeyId() {
    String id = activeKeyId;
    if (id != null) {
      return id;
    }
    synchronized (this) {
      if (activeKeyId == null) {
        activeKeyId = newestKeyId().orElseGet(this::createDataKey);
      }
      return activeKeyId;
    }
  }

  private Optional<String> newestKeyId() {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT id FROM data_keys ORDER BY created_at DESC, id LIMIT 1")
                    .mapTo(String.class)
                    .findOne());
  }

  private String createDataKey() {
    String id = ids.next();
    DataKey key = DataKey.generate();
    byte[] wrapped = rootKey.wrap(key, id);
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO data_keys (id, wrapped, created_at) VALUES (:id, :w, :t)")
                    .bind("id", id)
                    .bind("w", wrapped)
                    .bind("t", clock.millis())
                    .execute());
    unwrapped.put(id, key);
    return id;
  }

  private DataKey dataKey(String id) {
    return unwrapped.computeIfAbsent(
        id,
        keyId -> {
          byte[] wrapped =
              db.jdbi()
                  .withHandle(
                      h ->
                          h.createQuery("SELECT wrapped FROM data_keys WHERE id = :id")
                              .bind("id", keyId)
                              .mapTo(byte[].class)
                              .findOne())
                  .orElseThrow(
                      () -> new IllegalStateException("data key " + keyId + " is missing"));
          return rootKey.unwrap(wrapped, keyId);
        });
  }
}
