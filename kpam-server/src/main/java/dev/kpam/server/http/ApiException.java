package dev.kpam.server.http;

/**
 * A domain error that the REST API answers with a status and {@code {code, message}}. Thrown by the
 * feature services; mapped in one place ({@link ErrorMapping}).
 *
 * <pre>{@code
 * throw ApiException.notFound("resource 'prod' not found");
 * throw ApiException.invalid("duration", "0s", "between 1m and 8h");
 * }</pre>
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final long retryAfterSeconds;

  public ApiException(int status, String code, String message) {
    this(status, code, message, 0);
  }

  private ApiException(int status, String code, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** 429: the caller should wait; the answer carries {@code Retry-After}. */
  public static ApiException tooManyAttempts(String message, java.time.Duration retryAfter) {
    return new ApiException(429, "too_many_attempts", message, retryAfter.toSeconds());
  }

  /** Seconds for a {@code Retry-After} header, or 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Bad input: names the field, what was given and what was expected. */
  public static ApiException invalid(String field, Object value, String expected) {
    return new ApiException(
        400, "invalid_argument", field + ": " + value + " (expected: " + expected + ")");
  }

  public static ApiException invalid(String message) {
    return new ApiException(400, "invalid_argument", message);
  }

  public static ApiException unauthenticated(String message) {
    return new ApiException(401, "unauthenticated", message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message);
  }

  public static ApiException alreadyExists(String message) {
    return new ApiException(409, "already_exists", message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, "conflict", message);
  }
}
