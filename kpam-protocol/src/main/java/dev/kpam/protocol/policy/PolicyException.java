package dev.kpam.protocol.policy;

/**
 * A policy document or preset that cannot be used; {@code field} names the place, e.g. {@code
 * rules[2].verbs}.
 */
public final class PolicyException extends IllegalArgumentException {
  private final String field;

  public PolicyException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
