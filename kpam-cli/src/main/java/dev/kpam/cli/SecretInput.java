package dev.kpam.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads secrets (passwords, service-account tokens) from standard input or a file, so that they
 * never pass through the command line, where {@code ps} and shell history would show them.
 *
 * <pre>{@code
 * String token = new SecretInput(env).fileOrStdin("--token-file", "-");
 * }</pre>
 */
public final class SecretInput {
  private static final int MAX_BYTES = 1 << 20;

  private final CliEnvironment env;

  public SecretInput(CliEnvironment env) {
    this.env = env;
  }

  /** All of standard input without its trailing line break(s); an empty input is an error. */
  public String stdin(String what) {
    String text;
    try {
      text = new String(env.stdin().readNBytes(MAX_BYTES), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException("cannot read the " + what + " from standard input: " + e.getMessage());
    }
    String secret = text.replaceAll("[\\r\\n]+$", "");
    if (secret.isEmpty()) {
      throw new CliException("standard input is empty (expected: the " + what + ")");
    }
    return secret;
  }

  /**
   * The trimmed content of {@code file}, or of standard input when it is {@code -}; an empty secret
   * is an error.
   */
  public String fileOrStdin(String option, String file, String what) {
    if ("-".equals(file)) {
      String secret = stdin(what).strip();
      if (secret.isEmpty()) {
        throw new CliException("standard input is blank (expected: the " + what + ")");
      }
      return secret;
    }
    String secret = readText(option, Path.of(file)).strip();
    if (secret.isEmpty()) {
      throw new CliException(option + ": " + file + " is empty (expected: the " + what + ")");
    }
    return secret;
  }

  /** The whole text of a small file such as a PEM certificate, with a clear error if unreadable. */
  public static String readText(String option, Path file) {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new CliException(option + ": " + file + " is larger than 1 MiB");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException(option + ": " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new CliException(option + ": " + file + ": permission denied");
    } catch (IOException | UncheckedIOException e) {
      throw new CliException(option + ": cannot read " + file + ": " + e.getMessage());
    }
  }
}
