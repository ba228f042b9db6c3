package dev.kpam.gateway.session;

/**
 * The control plane said no: the session is over (ended, terminated, expired), unknown, or belongs
 * to another gateway. {@code reason} is the human sentence shown to kubectl.
 *
 * <pre>{@code
 * throw new SessionDeniedException("s-1", "kpam session s-1 has ended: ended by alice");
 * }</pre>
 */
public final class SessionDeniedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String sessionId;

  public SessionDeniedException(String sessionId, String message) {
    super(message, null, false, false);
    this.sessionId = sessionId;
  }

  public String sessionId() {
    return sessionId;
  }
}
