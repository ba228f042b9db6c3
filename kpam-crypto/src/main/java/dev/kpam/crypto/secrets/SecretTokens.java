package dev.kpam.crypto.secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Opaque bearer tokens (API tokens, enrollment tokens, gateway credentials): a short type prefix so
 * that a leaked token says what it is, then 256 random bits. Only their SHA-256 is stored; a token
 * has enough entropy that a plain hash cannot be brute-forced.
 *
 * <pre>{@code
 * String token = SecretTokens.generate("kpat"); // kpat_3q2-7w...
 * String stored = SecretTokens.sha256Hex(token);
 * }</pre>
 */
public final class SecretTokens {
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,15}");
  private static final int RANDOM_BYTES = 32;

  private SecretTokens() {}

  /** {@code prefix_} followed by 32 random bytes in unpadded base64url (43 characters). */
  public static String generate(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "prefix: '" + prefix + "' (expected: 1 to 16 lowercase letters and digits)");
    }
    byte[] random = new byte[RANDOM_BYTES];
    new SecureRandom().nextBytes(random);
    return prefix + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  /** The lowercase hex SHA-256 of the token's UTF-8 bytes. */
  public static String sha256Hex(String token) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /**
   * Whether {@code a} and {@code b} are equal, in time that does not depend on where they differ
   * (only on their lengths). False if either is null.
   */
  public static boolean constantTimeEquals(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
