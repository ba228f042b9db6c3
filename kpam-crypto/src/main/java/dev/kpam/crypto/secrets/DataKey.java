package dev.kpam.crypto.secrets;

import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;

/**
 * A 256-bit AES-GCM key that seals secrets. It is stored only wrapped by the {@link RootKey}. The
 * associated data binds a ciphertext to its context (say, the row it belongs to): decrypting with
 * other associated data fails. Never printed; thread-safe.
 *
 * <pre>{@code
 * byte[] sealed = dataKey.encrypt(token, "account:42".getBytes(UTF_8));
 * byte[] token = dataKey.decrypt(sealed, "account:42".getBytes(UTF_8));
 * }</pre>
 */
public final class DataKey {
  private final byte[] key;

  DataKey(byte[] key) {
    if (key.length != AesGcm.KEY_BYTES) {
      throw new IllegalArgumentException(
          "data key: " + key.length + " bytes (expected: " + AesGcm.KEY_BYTES + ")");
    }
    this.key = key.clone();
  }

  public static DataKey generate() {
    byte[] key = new byte[AesGcm.KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return new DataKey(key);
  }

  /**
   * {@code nonce || ciphertext || tag} of {@code plaintext}.
   *
   * @param associatedData authenticated but not encrypted; may be null (meaning none)
   */
  public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
    return AesGcm.seal(key, plaintext, associatedData);
  }

  /**
   * The plaintext of {@code sealed}.
   *
   * @throws CryptoException if the key or associated data is wrong or the data was altered
   */
  public byte[] decrypt(byte[] sealed, byte[] associatedData) {
    try {
      return AesGcm.open(key, sealed, associatedData);
    } catch (AEADBadTagException e) {
      throw new CryptoException(
          "data cannot be decrypted: wrong key, wrong associated data or corrupted data", e);
    }
  }

  byte[] bytes() {
    return key.clone();
  }

  @Override
  public String toString() {
    return "DataKey[<redacted>]";
  }
}
