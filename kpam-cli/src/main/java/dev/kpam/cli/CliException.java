package dev.kpam.cli;

/**
 * A failure to report to the person or script that ran a command: printed as {@code error:
 * <message>} on stderr, exit code 1. The message is a full sentence fragment that says what to do
 * where that is known.
 *
 * <pre>{@code
 * throw new CliException("no server given; use --server URL");
 * }</pre>
 */
public class CliException extends RuntimeException {
  public CliException(String message) {
    super(message);
  }

  public CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
