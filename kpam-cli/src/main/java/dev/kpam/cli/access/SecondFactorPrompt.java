package dev.kpam.cli.access;

/**
 * Where {@code kpam k8s access} gets a code of the user's second factor when the account requires
 * one ({@code --mfa-code}, else the terminal). Asked once, when the session opens.
 */
@FunctionalInterface
public interface SecondFactorPrompt {
  /** No code: an account that requires one refuses with the server's message. */
  SecondFactorPrompt NONE = why -> null;

  /**
   * A code, or null for none; {@code why} is the server's message ("account prod/admin requires").
   */
  String code(String why);
}
