package dev.kpam.gateway.record;

import java.util.Map;

/**
 * Where the gateway's recorders put what they saw (docs/RECORDING.md §1): an event of a session,
 * given a sequence number and appended to the session's spool before it is uploaded. Safe to call
 * from any thread, event loops included: it never blocks.
 *
 * <pre>{@code
 * events.append(sessionId, "stream", Map.of("requestId", id, "kind", "exec", "bytesFromServer", 42));
 * }</pre>
 */
@FunctionalInterface
public interface SessionEvents {
  SessionEvents NONE = (sessionId, type, data) -> {};

  /**
   * @param type the event type ({@code request}, {@code stream}, {@code recording}, {@code
   *     session})
   * @param data a JSON object's fields; values are strings, numbers, booleans, lists, maps or null
   */
  void append(String sessionId, String type, Map<String, Object> data);
}
