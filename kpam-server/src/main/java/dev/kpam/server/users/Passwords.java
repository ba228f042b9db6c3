package dev.kpam.server.users;

import com.nulabinc.zxcvbn.Feedback;
import com.nulabinc.zxcvbn.Strength;
import com.nulabinc.zxcvbn.Zxcvbn;
import dev.kpam.server.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a new password must be: 12 to 256 characters, not blank, not the user name, and rated at
 * least {@value #MIN_SCORE} of 4 by zxcvbn (Dropbox's estimator, which knows common passwords,
 * names, keyboard patterns, dates and l33t). Refusals name the field and carry the estimator's
 * advice, never the password.
 *
 * <pre>{@code
 * Passwords.check("alice", "correct horse battery staple"); // or a 400 invalid_argument
 * }</pre>
 */
final class Passwords {
  static final int MIN_LENGTH = 12;
  static final int MAX_LENGTH = 256;
  static final int MIN_SCORE = 3;

  /**
   * zxcvbn's time grows steeply with length (here: 64 characters 0.3 s, 256 characters 2.5 s, 1000
   * characters 40 s), so only this many leading characters are rated: a hostile request must not
   * pin a CPU, and 64 characters that rate below 3 are no better for what follows them.
   */
  static final int MEASURED_LENGTH = 64;

  /** Immutable once built (its dictionaries are read once), safe for concurrent use. */
  private static final Zxcvbn ESTIMATOR = new Zxcvbn();

  private Passwords() {}

  static String check(String userName, String password) {
    if (password == null) {
      throw ApiException.invalid("password", "missing", "at least " + MIN_LENGTH + " characters");
    }
    if (password.length() < MIN_LENGTH) {
      throw ApiException.invalid(
          "password", password.length() + " characters", "at least " + MIN_LENGTH + " characters");
    }
    if (password.length() > MAX_LENGTH) {
      throw ApiException.invalid(
          "password", password.length() + " characters", "at most " + MAX_LENGTH + " characters");
    }
    if (password.isBlank()) {
      throw ApiException.invalid("password", "only whitespace", "a password with other characters");
    }
    if (userName != null && password.trim().equalsIgnoreCase(userName.trim())) {
      throw ApiException.invalid(
          "password", "the user name", "a password other than the user name");
    }
    Strength strength =
        ESTIMATOR.measure(
            password.substring(0, Math.min(password.length(), MEASURED_LENGTH)),
            userName == null ? List.of() : List.of(userName, "kpam"));
    try {
      if (strength.getScore() < MIN_SCORE) {
        throw ApiException.invalid(
            "password",
            "too easy to guess (strength " + strength.getScore() + " of 4)",
            "strength at least " + MIN_SCORE + advice(strength.getFeedback()));
      }
    } finally {
      strength.wipe();
    }
    return password;
  }

  private static String advice(Feedback feedback) {
    List<String> parts = new ArrayList<>();
    String warning = feedback.getWarning(Locale.ENGLISH);
    if (warning != null && !warning.isBlank()) {
      parts.add(warning.trim());
    }
    for (String suggestion : feedback.getSuggestions(Locale.ENGLISH)) {
      if (suggestion != null && !suggestion.isBlank()) {
        parts.add(suggestion.trim());
      }
    }
    return parts.isEmpty() ? "" : "; " + String.join(" ", parts);
  }
}
