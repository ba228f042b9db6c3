package dev.kpam.transport.tunnel;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Jittered exponential backoff: {@code initial} doubling up to {@code max}, each delay scaled by a
 * random factor in [0.8, 1.2) so that gateways restarted together do not reconnect together.
 * Confined to one event loop.
 */
final class Backoff {
  private static final double JITTER = 0.2;

  private final Duration initial;
  private final Duration max;
  private final DoubleSupplier random;
  private int failures;

  Backoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  Duration next() {
    double base = initial.toNanos() * Math.pow(2, Math.min(failures, 30));
    failures++;
    double capped = Math.min(base, max.toNanos());
    double factor = 1 - JITTER + 2 * JITTER * random.getAsDouble();
    return Duration.ofNanos((long) (capped * factor));
  }

  void reset() {
    failures = 0;
  }
}
