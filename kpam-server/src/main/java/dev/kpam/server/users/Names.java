package dev.kpam.server.users;

import dev.kpam.server.http.ApiException;
import java.util.regex.Pattern;

/** The names people give things (users, gateways, resources, accounts): DNS-label style. */
public final class Names {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern USER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private Names() {}

  /** A DNS label: lower-case letters, digits and '-', 1–63 characters, no '-' at either end. */
  public static String label(String field, String value) {
    if (value == null || !LABEL.matcher(value).matches()) {
      throw ApiException.invalid(
          field,
          value == null ? "missing" : "'" + value + "'",
          "1-63 lower-case letters, digits or '-', starting and ending with a letter or digit");
    }
    return value;
  }

  /** A user name: lower-case letters, digits, '.', '_' or '-', 1–63 characters. */
  public static String user(String field, String value) {
    if (value == null || !USER.matcher(value).matches()) {
      throw ApiException.invalid(
          field,
          value == null ? "missing" : "'" + value + "'",
          "1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return value;
  }

  public static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw ApiException.invalid(field, "missing", "a value");
    }
    return value;
  }
}
