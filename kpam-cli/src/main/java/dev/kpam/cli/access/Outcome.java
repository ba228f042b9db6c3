package dev.kpam.cli.access;

import java.util.Objects;

/**
 * How an access session ended, and the exit code of {@code kpam k8s access} for it: 0 when it was
 * ended (Ctrl-C or {@code kpam sessions end}), 3 when it expired, 4 when an admin terminated it.
 *
 * <pre>{@code
 * Outcome outcome = session.outcome().toCompletableFuture().join();
 * return outcome.exitCode();
 * }</pre>
 *
 * @param message what to tell the user, e.g. {@code session expired}
 */
public record Outcome(Kind kind, String message) {
  public enum Kind {
    ENDED,
    EXPIRED,
    TERMINATED
  }

  public Outcome {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  static Outcome ended(String message) {
    return new Outcome(Kind.ENDED, message);
  }

  static Outcome expired() {
    return new Outcome(Kind.EXPIRED, "session expired");
  }

  static Outcome terminated(String by, String reason) {
    return new Outcome(
        Kind.TERMINATED,
        "session terminated"
            + (by == null ? "" : " by " + by)
            + (reason == null || reason.isBlank() ? "" : ": " + reason));
  }

  public int exitCode() {
    return switch (kind) {
      case ENDED -> 0;
      case EXPIRED -> 3;
      case TERMINATED -> 4;
    };
  }
}
