package dev.kpam.transport.ops;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The bounded wait of a process that drains on SIGTERM (docs/OPERATIONS.md §5): the gateway for its
 * kubectl connections, the relay for its client connections.
 *
 * <pre>{@code
 * if (!Drain.awaitUntil(() -> connections.count() == 0, bound)) { connections.terminateAll(why); }
 * }</pre>
 */
public final class Drain {
  private Drain() {}

  /**
   * Whether {@code done} held within {@code bound}, asked every 50 ms; false at once when
   * interrupted (the interrupt is kept).
   */
  public static boolean awaitUntil(BooleanSupplier done, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
