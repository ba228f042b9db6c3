package dev.kpam.gateway.proxy;

import dev.kpam.gateway.record.SessionRecording;
import dev.kpam.transport.tunnel.TunnelClient;
import io.netty.channel.Channel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger log = LoggerFactory.getLogger(SessionConnections.class);

  private final Map<String, Set<ProxyConnection>> bySession = new ConcurrentHashMap<>();
  private final Set<String> ended = ConcurrentHashMap.newKeySet();
  private volatile boolean draining;
  private final SessionRecording recording;

  /** Records nothing. */
  public SessionConnections() {
    this(SessionRecording.NONE);
  }

  /**
   * Records a {@code session} event when a session's connections are closed because it is over, and
   * tells {@code recording} that the session is over.
   */
  public SessionConnections(SessionRecording recording) {
    this.recording = recording;
  }

  void add(ProxyConnection connection) {
    bySession
        .computeIfAbsent(connection.sessionId, id -> ConcurrentHashMap.newKeySet())
        .add(connection);
    connection.client.closeFuture().addListener(f -> remove(connection));
    if (draining || TunnelClient.fromDrainingRelay(connection.client)) {
      drainOnItsLoop(connection); // a stream the relay opened just before a GOAWAY
    }
  }

  private void remove(ProxyConnection connection) {
    bySession.computeIfPresent(
        connection.sessionId,
        (id, set) -> {
          set.remove(connection);
          return set.isEmpty() ? null : set;
        });
  }

  /**
   * The gateway stops taking work: idle connections close now, those with an exchange under way
   * after it ({@code Connection: close}); upgraded streams go on until they end or are terminated.
   */
  public void drain() {
    draining = true;
    for (Set<ProxyConnection> set : bySession.values()) {
      set.forEach(SessionConnections::drainOnItsLoop);
    }
  }

  /**
   * The relay of {@code tunnel} is stopping: the connections it carries close like those of a
   * draining gateway, so that the relay's own drain ends early; the others go on.
   */
  public void drainTunnel(Channel tunnel) {
    for (Set<ProxyConnection> set : bySession.values()) {
      for (ProxyConnection connection : set) {
        if (connection.client.parent() == tunnel) {
          drainOnItsLoop(connection);
        }
      }
    }
  }

  /** Runs after the connection's set-up task, which made its recorder. */
  private static void drainOnItsLoop(ProxyConnection connection) {
    connection.client.eventLoop().execute(() -> connection.recorder.drain());
  }

  /** The kubectl connections open now, of all sessions. */
  public int count() {
    return bySession.values().stream().mapToInt(Set::size).sum();
  }

  /** Closes every connection of {@code sessionId}, telling kubectl {@code message} where it can. */
  public void terminate(String sessionId, String message) {
    Set<ProxyConnection> connections = bySession.getOrDefault(sessionId, Set.of());
    if (!connections.isEmpty()) {
      // One line per session: a local proxy keeps a dozen or more connections open.
      log.atInfo()
          .addKeyValue("session", sessionId)
          .log(
              "closing {} connection(s) of session {}: {}", connections.size(), sessionId, message);
    }
    for (ProxyConnection connection : connections) {
      connection
          .client
          .eventLoop()
          .execute(() -> SessionTermination.terminate(connection, message));
    }
  }

  /**
   * The session is over ({@code what}: {@code terminated} or {@code expired}): records that once
   * per session (RECORDING.md §1, {@code session}) and closes its connections with {@code message}.
   */
  public void end(String sessionId, String what, String message) {
    if (ended.add(sessionId)) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("what", what);
      data.put("reason", message);
      recording.append(sessionId, "session", data);
    }
    terminate(sessionId, message);
    recording.sessionOver(sessionId);
  }

  /**
   * Recording became impossible: closes the connections of every session whose account is
   * fail-closed (RECORDING.md §4); fail-open ones go on.
   */
  public void recordingFailed(String reason) {
    String message = "recording unavailable: " + reason;
    bySession.values().stream()
        .flatMap(Set::stream)
        .forEach(
            connection ->
                connection
                    .client
                    .eventLoop()
                    .execute(
                        () -> {
                          if (connection.lookup != null
                              && SessionRecording.failsClosed(
                                  connection.lookup.recordingFailurePolicy())) {
                            SessionTermination.terminate(connection, message);
                          }
                        }));
  }

  /** Closes every connection of every session (shutdown). */
  public void terminateAll(String message) {
    bySession.keySet().forEach(id -> terminate(id, message));
  }

  /** The ids of the sessions with at least one open connection. */
  public Set<String> sessionIds() {
    return Set.copyOf(bySession.keySet());
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
