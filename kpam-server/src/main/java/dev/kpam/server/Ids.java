package dev.kpam.server;

import java.util.UUID;

/**
 * Makes identifiers for new rows. Injected so that tests can make them predictable.
 *
 * <pre>{@code
 * Ids ids = Ids.random();
 * String sessionId = ids.next();
 * }</pre>
 */
@FunctionalInterface
public interface Ids {
  String next();

  /** Random UUIDs: the production source. */
  static Ids random() {
    return () -> UUID.randomUUID().toString();
  }
}
