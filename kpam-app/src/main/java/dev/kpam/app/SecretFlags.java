package dev.kpam.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A secret given to {@code kpam server} as a file or through the environment, never as a flag. */
final class SecretFlags {
  private SecretFlags() {}

  /**
   * The stripped content of {@code file} when given, else {@code fromEnvironment}; null when
   * neither holds anything. {@code flag} names the file's flag in the error.
   */
  static String read(String flag, Path file, String fromEnvironment) {
    if (file != null) {
      try {
        String secret = Files.readString(file).strip();
        if (secret.isEmpty()) {
          throw new IllegalArgumentException(flag + ": " + file + " is empty");
        }
        return secret;
      } catch (IOException e) {
        throw new IllegalArgumentException(flag + ": cannot read " + file + ": " + e.getMessage());
      }
    }
    return fromEnvironment == null || fromEnvironment.isBlank() ? null : fromEnvironment.strip();
  }
}
