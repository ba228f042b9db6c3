package dev.kpam.gateway.record;

/**
 * The recording as the proxy sees it: where events go ({@link SessionEvents}) and whether they can
 * be kept right now, which decides, with the account's {@code recordingFailurePolicy}, whether a
 * request may go on (docs/RECORDING.md §4). Both calls are safe on an event loop: they never block.
 *
 * <pre>{@code
 * String reason = recording.unavailable("s-1");
 * if (reason != null && failClosed) refuse("recording unavailable: " + reason);
 * }</pre>
 */
public interface SessionRecording extends SessionEvents {
  SessionRecording NONE =
      new SessionRecording() {
        @Override
        public void append(String sessionId, String type, java.util.Map<String, Object> data) {}

        @Override
        public String unavailable(String sessionId) {
          return null;
        }
      };

  /** Why events of {@code sessionId} cannot be recorded right now, or null when they can. */
  String unavailable(String sessionId);

  /** The session is over: once all its events are uploaded, nothing of it needs to be kept. */
  default void sessionOver(String sessionId) {}

  /** The account's policy value that lets requests go on while recording is impossible. */
  String FAIL_OPEN = "fail-open";

  /** Whether {@code policy} (a {@code SessionLookup.recordingFailurePolicy}) refuses requests. */
  static boolean failsClosed(String policy) {
    return !FAIL_OPEN.equals(policy);
  }
}
