package dev.kpam.relay;

import java.util.Objects;

/**
 * A {@link SessionGate}'s answer. A refusal's {@code reason} is shown to the person connecting
 * ("session ended", "session expired", …); keep it short and free of internal detail.
 *
 * <pre>{@code
 * return CompletableFuture.completedFuture(GateDecision.allow());
 * return CompletableFuture.completedFuture(GateDecision.refuse("session " + id + " has ended"));
 * }</pre>
 */
public record GateDecision(boolean allowed, String reason) {
  public GateDecision {
    Objects.requireNonNull(reason, "reason");
    if (!allowed && reason.isBlank()) {
      throw new IllegalArgumentException("reason: '' (expected: why the session is refused)");
    }
  }

  public static GateDecision allow() {
    return new GateDecision(true, "");
  }

  public static GateDecision refuse(String reason) {
    return new GateDecision(false, reason);
  }
}
