package dev.kpam.cli.api;

import dev.kpam.cli.CliException;

/**
 * An error answer of the kpam server: the HTTP status, the stable {@code code} of its {@code
 * ApiError} body ({@code not_found}, {@code forbidden}, …) and its message for people.
 *
 * <pre>{@code
 * catch (ApiException e) { if (e.code().equals("not_found")) … }
 * }</pre>
 */
public final class ApiException extends CliException {
  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
