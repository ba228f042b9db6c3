package dev.kpam.relay;

import io.netty.channel.Channel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At most {@code max} connections at once per key (a session id, a gateway id). Thread-safe:
 * connections of one key are accepted and closed on different event loops; each count changes only
 * inside {@link ConcurrentMap#compute}, and a key with no connection leaves the map.
 *
 * <pre>{@code
 * if (!perSession.admit(sessionId, channel)) { refuse(channel); }
 * }</pre>
 */
final class ConnectionLimit {
  private final int max;
  private final ConcurrentMap<String, Integer> open = new ConcurrentHashMap<>();

  ConnectionLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max: " + max + " (expected: at least 1)");
    }
    this.max = max;
  }

  int max() {
    return max;
  }

  /** A permit for one more connection of {@code key}, or empty if it holds {@code max} already. */
  Optional<Permit> tryAcquire(String key) {
    AtomicBoolean granted = new AtomicBoolean();
    open.compute(
        key,
        (k, count) -> {
          int current = count == null ? 0 : count;
          if (current >= max) {
            return count;
          }
          granted.set(true);
          return current + 1;
        });
    return granted.get() ? Optional.of(new Permit(key)) : Optional.empty();
  }

  /**
   * Counts {@code channel} against {@code key} until it closes; false, and nothing counted, if
   * {@code key} holds {@code max} connections already.
   */
  boolean admit(String key, Channel channel) {
    Optional<Permit> permit = tryAcquire(key);
    // A close future completes once; a channel already closed releases at once.
    permit.ifPresent(p -> channel.closeFuture().addListener(f -> p.release()));
    return permit.isPresent();
  }

  /** Key → connections open now, a snapshot. */
  Map<String, Integer> counts() {
    return Map.copyOf(open);
  }

  /** One counted connection; {@link #release()} gives it back, once however often it is called. */
  final class Permit {
    private final String key;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(String key) {
      this.key = key;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        open.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
      }
    }
  }
}
