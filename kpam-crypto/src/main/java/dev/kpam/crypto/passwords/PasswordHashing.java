package dev.kpam.crypto.passwords;

/**
 * Argon2id cost parameters (RFC 9106). The {@link #defaults()} are OWASP's recommendation: 19 MiB
 * of memory, two passes, one lane. Lower bounds keep hashes from being made cheap by mistake; upper
 * bounds keep a stored hash from demanding unbounded memory or time when verified.
 *
 * <pre>{@code
 * PasswordHashing hashing = new PasswordHashing(65536, 3, 1, 16, 32);
 * PasswordHasher hasher = new PasswordHasher(hashing);
 * }</pre>
 *
 * @param memoryKiB memory per hash in KiB, 8192 to 1048576
 * @param iterations passes over memory, 1 to 16
 * @param parallelism lanes, 1 to 16
 * @param saltBytes random salt length, 16 to 64
 * @param hashBytes output length, 16 to 64
 */
public record PasswordHashing(
    int memoryKiB, int iterations, int parallelism, int saltBytes, int hashBytes) {
  public PasswordHashing {
    requireBetween("memoryKiB", memoryKiB, 8192, 1_048_576);
    requireBetween("iterations", iterations, 1, 16);
    requireBetween("parallelism", parallelism, 1, 16);
    requireBetween("saltBytes", saltBytes, 16, 64);
    requireBetween("hashBytes", hashBytes, 16, 64);
  }

  /** m=19456 KiB, t=2, p=1, 16-byte salt, 32-byte hash. */
  public static PasswordHashing defaults() {
    return new PasswordHashing(19_456, 2, 1, 16, 32);
  }

  private static void requireBetween(String field, int value, int min, int max) {
    if (value < min) {
      throw new IllegalArgumentException(
          field + ": " + value + " (expected: at least " + min + ")");
    }
    if (value > max) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: at most " + max + ")");
    }
  }
}
