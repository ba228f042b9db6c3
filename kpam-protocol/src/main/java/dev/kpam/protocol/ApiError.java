package dev.kpam.protocol;

/**
 * The body of every error answer of the REST API: a stable machine-readable {@code code} and a
 * sentence for people.
 *
 * <pre>{@code
 * {"code": "invalid_argument", "message": "duration: 0s (expected: between 1m and 8h)"}
 * }</pre>
 */
public record ApiError(String code, String message) {}
