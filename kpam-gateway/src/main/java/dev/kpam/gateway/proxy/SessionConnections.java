package dev.kpam.gateway.proxy;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open kubectl connections of every session, so that a push event (ended, terminated, expired)
 * closes all of a session's connections at once. Thread-safe; each connection is closed on its own
 * event loop.
 *
 * <pre>{@code
 * connections.terminate("s-1", "kpam session s-1 was terminated: by admin");
 * int active = connections.activeSessions();
 * }</pre>
 */
public final class SessionConnections {
  private final Map<String, Set<ProxyConnection>> bySession = new ConcurrentHashMap<>();

  void add(ProxyConnection connection) {
    bySession
        .computeIfAbsent(connection.sessionId, id -> ConcurrentHashMap.newKeySet())
        .add(connection);
    connection.client.closeFuture().addListener(f -> remove(connection));
  }

  private void remove(ProxyConnection connection) {
    bySession.computeIfPresent(
        connection.sessionId,
        (id, set) -> {
          set.remove(connection);
          return set.isEmpty() ? null : set;
        });
  }

  /** Closes every connection of {@code sessionId}, telling kubectl {@code message} where it can. */
  public void terminate(String sessionId, String message) {
    Set<ProxyConnection> connections = bySession.getOrDefault(sessionId, Set.of());
    for (ProxyConnection connection : connections) {
      connection
          .client
          .eventLoop()
          .execute(() -> SessionTermination.terminate(connection, message));
    }
  }

  /** Closes every connection of every session (shutdown). */
  public void terminateAll(String message) {
    bySession.keySet().forEach(id -> terminate(id, message));
  }

  /** Sessions with at least one open connection. */
  public int activeSessions() {
    return bySession.size();
  }

  /** Open connections of {@code sessionId}. */
  public int connections(String sessionId) {
    return bySession.getOrDefault(sessionId, Set.of()).size();
  }
}
