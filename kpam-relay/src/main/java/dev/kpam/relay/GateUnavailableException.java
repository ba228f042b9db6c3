package dev.kpam.relay;

/**
 * A {@link SessionGate} cannot decide now (its source of truth is unreachable): not a refusal. The
 * relay answers the client {@code KPAM/1 ERR internal <message>}, so write the message for people
 * ("cannot reach the kpam server to check session s-1; try again shortly") and keep secrets out.
 *
 * <pre>{@code
 * return CompletableFuture.failedFuture(new GateUnavailableException("cannot reach the kpam server"));
 * }</pre>
 */
public final class GateUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GateUnavailableException(String message) {
    super(message);
  }
}
