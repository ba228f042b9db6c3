package dev.kpam.crypto.otp;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 6 digits, 30-second
 * steps, what every authenticator app reads from an {@code otpauth://} QR code. A code is accepted
 * in the step it was made for and one step either side (clock drift), and {@link #match} says which
 * step it matched, so that callers can refuse a step used before.
 *
 * <pre>{@code
 * byte[] secret = Totp.newSecret();
 * String uri = Totp.uri("kpam", "alice", secret);       // the QR code's content
 * OptionalLong step = Totp.match(secret, "287082", Instant.now());
 * }</pre>
 */
public final class Totp {
  public static final int DIGITS = 6;
  public static final long STEP_SECONDS = 30;
  private static final int MODULUS = 1_000_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Totp() {}

  /** 20 random bytes, the size RFC 4226 recommends for HMAC-SHA1. */
  public static byte[] newSecret() {
    byte[] secret = new byte[20];
    RANDOM.nextBytes(secret);
    return secret;
  }

  /** The step of {@code time}: seconds since the epoch over 30. */
  public static long step(Instant time) {
    return Math.floorDiv(time.getEpochSecond(), STEP_SECONDS);
  }

  /** The code of {@code step}, {@code DIGITS} digits with leading zeros. */
  public static String code(byte[] secret, long step) {
    return String.format("%0" + DIGITS + "d", truncated(hmac(secret, step)) % MODULUS);
  }

  /** The code an authenticator shows at {@code time}. */
  public static String codeAt(byte[] secret, Instant time) {
    return code(secret, step(time));
  }

  /**
   * The step (of {@code time}, one before or one after) whose code is {@code code}, or empty. The
   * comparison does not stop at the first differing digit.
   */
  public static OptionalLong match(byte[] secret, String code, Instant time) {
    if (code == null) {
      return OptionalLong.empty();
    }
    String given = code.replace(" ", "");
    if (given.length() != DIGITS || !given.chars().allMatch(Character::isDigit)) {
      return OptionalLong.empty();
    }
    long now = step(time);
    OptionalLong found = OptionalLong.empty();
    for (long step = now - 1; step <= now + 1; step++) {
      if (java.security.MessageDigest.isEqual(
              code(secret, step).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
              given.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
          && found.isEmpty()) {
        found = OptionalLong.of(step);
      }
    }
    return found;
  }

  /** The {@code otpauth://totp/} URI of Google Authenticator's key URI format. */
  public static String uri(String issuer, String account, byte[] secret) {
    String label = encode(issuer) + ":" + encode(account);
    return "otpauth://totp/"
        + label
        + "?secret="
        + Base32.encode(secret)
        + "&issuer="
        + encode(issuer)
        + "&algorithm=SHA1&digits="
        + DIGITS
        + "&period="
        + STEP_SECONDS;
  }

  private static String encode(String text) {
    return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  private static byte[] hmac(byte[] secret, long step) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret, "HmacSHA1"));
      return mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
    }
  }

  /** RFC 4226 section 5.3: dynamic truncation to 31 bits. */
  static int truncated(byte[] hash) {
    int offset = hash[hash.length - 1] & 0x0f;
    return ((hash[offset] & 0x7f) << 24)
        | ((hash[offset + 1] & 0xff) << 16)
        | ((hash[offset + 2] & 0xff) << 8)
        | (hash[offset + 3] & 0xff);
  }
}
