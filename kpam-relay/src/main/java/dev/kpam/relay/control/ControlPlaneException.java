package dev.kpam.relay.control;

/**
 * The kpam server answered with an error ({@code ApiError}); {@code status} and {@code code} are
 * its HTTP status and stable error code.
 *
 * <pre>{@code
 * catch (ControlPlaneException e) { if (e.status() == 401) err.println("enroll the relay again"); }
 * }</pre>
 */
public final class ControlPlaneException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;

  public ControlPlaneException(int status, String code, String message) {
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
