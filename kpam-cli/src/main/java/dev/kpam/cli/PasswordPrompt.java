package dev.kpam.cli;

/**
 * Asks the person at the terminal for a password without echoing it.
 *
 * <pre>{@code
 * PasswordPrompt console = prompt -> System.console().readPassword("%s", prompt);
 * char[] password = console.readPassword("Password for alice: ");
 * }</pre>
 */
@FunctionalInterface
public interface PasswordPrompt {

  /** The prompt of a process without a terminal: it refuses, pointing at the alternative. */
  PasswordPrompt NONE =
      prompt -> {
        throw new CliException("no terminal to ask for a password; use --password-stdin");
      };

  /**
   * Shows {@code prompt} and reads one line without echo.
   *
   * @return the password, or null when the input ended
   */
  char[] readPassword(String prompt);
}
