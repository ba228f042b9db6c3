package dev.kpam.crypto.passwords;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes passwords with Argon2id (version 0x13) into PHC strings such as {@code
 * $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (salt and hash in unpadded base64). A hash records
 * its own parameters, so hashes made under older parameters keep verifying; {@link #needsRehash}
 * tells when to replace one after a successful login. Thread-safe.
 *
 * <pre>{@code
 * String stored = PasswordHasher.defaults().hash(password);
 * boolean ok = PasswordHasher.defaults().verify(attempt, stored);
 * }</pre>
 */
public final class PasswordHasher {
  private static final Pattern PHC =
      Pattern.compile(
          "\\$argon2id\\$v=19\\$m=(\\d{1,9}),t=(\\d{1,9}),p=(\\d{1,9})"
              + "\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");

  private final PasswordHashing parameters;

  public PasswordHasher(PasswordHashing parameters) {
    this.parameters = Objects.requireNonNull(parameters, "parameters");
  }

  public static PasswordHasher defaults() {
    return new PasswordHasher(PasswordHashing.defaults());
  }

  /** A PHC string of {@code password} under this hasher's parameters and a fresh random salt. */
  public String hash(char[] password) {
    byte[] salt = new byte[parameters.saltBytes()];
    new SecureRandom().nextBytes(salt);
    Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
    return "$argon2id$v=19$m="
        + parameters.memoryKiB()
        + ",t="
        + parameters.iterations()
        + ",p="
        + parameters.parallelism()
        + "$"
        + base64.encodeToString(salt)
        + "$"
        + base64.encodeToString(derive(password, salt, parameters));
  }

  /**
   * Whether {@code password} is the one {@code encoded} was made from, under the parameters
   * recorded in {@code encoded}; false if {@code encoded} is not a PHC Argon2id string.
   */
  public boolean verify(char[] password, String encoded) {
    Optional<Encoded> decoded = decode(encoded);
    if (decoded.isEmpty()) {
      return false;
    }
    Encoded hash = decoded.get();
    return MessageDigest.isEqual(hash.hash(), derive(password, hash.salt(), hash.parameters()));
  }

  /** Whether {@code encoded} is malformed or was made under parameters other than this hasher's. */
  public boolean needsRehash(String encoded) {
    return decode(encoded).map(hash -> !hash.parameters().equals(parameters)).orElse(true);
  }

  private record Encoded(PasswordHashing parameters, byte[] salt, byte[] hash) {}

  private static Optional<Encoded> decode(String encoded) {
    Matcher phc = encoded == null ? null : PHC.matcher(encoded);
    if (phc == null || !phc.matches()) {
      return Optional.empty();
    }
    try {
      byte[] salt = Base64.getDecoder().decode(phc.group(4));
      byte[] hash = Base64.getDecoder().decode(phc.group(5));
      PasswordHashing parameters =
          new PasswordHashing(
              Integer.parseInt(phc.group(1)),
              Integer.parseInt(phc.group(2)),
              Integer.parseInt(phc.group(3)),
              salt.length,
              hash.length);
      return Optional.of(new Encoded(parameters, salt, hash));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static byte[] derive(char[] password, byte[] salt, PasswordHashing parameters) {
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(parameters.memoryKiB())
            .withIterations(parameters.iterations())
            .withParallelism(parameters.parallelism())
            .withSalt(salt)
            .build());
    byte[] hash = new byte[parameters.hashBytes()];
    generator.generateBytes(Objects.requireNonNull(password, "password"), hash);
    return hash;
  }
}
