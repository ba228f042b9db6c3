package dev.kpam.crypto.secrets;

/**
 * Sealed data could not be opened: the key or the associated data is wrong, or the data was
 * altered. Callers treat it as corrupted or foreign data, never as a transient failure.
 *
 * <pre>{@code
 * try { plaintext = dataKey.decrypt(sealed, aad); }
 * catch (CryptoException e) { log.error("secret {} cannot be opened", id, e); }
 * }</pre>
 */
public final class CryptoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CryptoException(String message, Throwable cause) {
    super(message, cause);
  }
}
