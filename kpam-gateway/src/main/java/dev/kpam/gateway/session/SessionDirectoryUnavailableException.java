package dev.kpam.gateway.session;

/**
 * The session could not be verified because the control plane is unreachable or broken. Reported to
 * kubectl as 503, never as a denial.
 *
 * <pre>{@code
 * throw new SessionDirectoryUnavailableException("GET /api/v1/gateway/sessions/s-1: timeout", e);
 * }</pre>
 */
public final class SessionDirectoryUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SessionDirectoryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
