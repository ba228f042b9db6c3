package dev.kpam.protocol.sessions;

import java.time.Instant;
import java.util.List;

/**
 * An exec or attach recording of a session (asciicast v2, docs/RECORDING.md §2). {@code id} is the
 * upgraded request's id; {@code durationMs} is null while the stream is still open; {@code bytes}
 * is the size of the cast text the download answers.
 *
 * <pre>{@code
 * RecordingView r = recordings.get(0);
 * String cast = api.getText("/api/v1/sessions/" + sessionId + "/recordings/" + r.id());
 * }</pre>
 */
public record RecordingView(
    String id,
    String requestId,
    String kind,
    String namespace,
    String pod,
    String container,
    List<String> command,
    Instant startedAt,
    Long durationMs,
    long bytes,
    boolean truncated,
    boolean binary) {
  public RecordingView {
    command = command == null ? List.of() : List.copyOf(command);
  }
}
