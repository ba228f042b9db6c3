package dev.kpam.cli.access;

/**
 * Where {@code kpam k8s access} gets the user's second factor when the account requires one ({@code
 * --mfa-code}, else the terminal or a passkey in the browser). Asked once, when the session opens.
 */
@FunctionalInterface
public interface SecondFactorPrompt {
  /** No answer: an account that requires one refuses with the server's message. */
  SecondFactorPrompt NONE = why -> null;

  /**
   * The answer, or null for none; {@code why} is the server's message ("account prod/admin
   * requires").
   */
  Answer answer(String why);

  /** A code of an authenticator app (or a recovery code), or a verified passkey confirmation. */
  record Answer(String code, String challenge) {
    public static Answer code(String code) {
      return new Answer(code, null);
    }

    public static Answer passkey(String challenge) {
      return new Answer(null, challenge);
    }

    @Override
    public String toString() {
      return "Answer[" + (code != null ? "code" : "passkey") + "]";
    }
  }
}
