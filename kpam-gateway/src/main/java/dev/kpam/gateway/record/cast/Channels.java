package dev.kpam.gateway.record.cast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What each channel of an exec or attach means to its {@link Cast} (the numbering of {@code
 * remotecommand}: 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; SPDY names them by {@code
 * streamtype}): stdout and stderr are output, stdin input, the resize channel's {@code
 * {"Width":..,"Height":..}} messages resizes, and the error channel's {@code Status} a marker when
 * it is a {@code Failure}. Without a cast (port-forward) it records nothing.
 */
final class Channels {
  static final int STDIN = 0;
  static final int STDOUT = 1;
  static final int STDERR = 2;
  static final int ERROR = 3;
  static final int RESIZE = 4;
  static final int OTHER = -1;
  private static final int MAX_STATUS = 64 * 1024;
  private static final int MAX_RESIZE = 4 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Cast cast;
  private final boolean recordStdin;
  private final Utf8Text stdin = new Utf8Text();
  private final Utf8Text stdout = new Utf8Text();
  private final Utf8Text stderr = new Utf8Text();
  private final ByteArrayOutputStream status = new ByteArrayOutputStream();
  private final ByteArrayOutputStream resize = new ByteArrayOutputStream();
  private boolean serverEnded;
  private Integer exitCode;
  private boolean stopped;

  Channels(Cast cast, boolean recordStdin) {
    this.cast = cast;
    this.recordStdin = recordStdin;
    this.stopped = cast == null;
  }

  static int of(String streamType) {
    return switch (streamType) {
      case "stdin" -> STDIN;
      case "stdout" -> STDOUT;
      case "stderr" -> STDERR;
      case "error" -> ERROR;
      case "resize" -> RESIZE;
      default -> OTHER;
    };
  }

  void data(boolean fromClient, int channel, byte[] bytes, int offset, int length) {
    if (stopped) {
      return;
    }
    if (fromClient) {
      switch (channel) {
        case STDIN -> cast.data("i", stdin, bytes, offset, length, recordStdin);
        case RESIZE -> resize(bytes, offset, length);
        default -> {}
      }
    } else {
      switch (channel) {
        case STDOUT -> cast.data("o", stdout, bytes, offset, length, true);
        case STDERR -> cast.data("o", stderr, bytes, offset, length, true);
        case ERROR -> status(bytes, offset, length);
        default -> {}
      }
    }
  }

  /** The stream ended: what remains is appended; whether there is a recording. */
  boolean finish() {
    if (cast == null) {
      return false;
    }
    if (!stopped && status.size() > 0) {
      statusEnded();
    }
    stopped = true;
    cast.finish();
    return true;
  }

  /** After a failure: nothing more is recorded (what was recorded is still appended at the end). */
  void stop() {
    stopped = true;
  }

  boolean binary() {
    return cast != null && cast.binary();
  }

  /** Whether the server reported how the command ended (it does so on the error channel). */
  boolean serverEnded() {
    return serverEnded;
  }

  /**
   * The exit code of the command, from the error channel's {@code Status}: 0 for {@code Success},
   * the {@code ExitCode} cause of a {@code NonZeroExitCode} failure; null when the server sent
   * neither (attach, a stream cut, channel.k8s.io v1-v3).
   */
  Integer exitCode() {
    return exitCode;
  }

  private void status(byte[] bytes, int offset, int length) {
    serverEnded = true;
    if (status.size() + length > MAX_STATUS) {
      status.reset();
      return;
    }
    status.write(bytes, offset, length);
    try {
      JsonNode node = JSON.readTree(status.toByteArray());
      status.reset();
      exitCode = exitCodeOf(node);
      if (node != null && "Failure".equals(node.path("status").asText())) {
        String message = node.path("message").asText("");
        cast.marker(message.isEmpty() ? node.path("reason").asText("Failure") : message);
      }
    } catch (IOException e) {
      // Not whole yet (or the plain text of channel.k8s.io v1-v3): wait for the rest or the end.
    }
  }

  private static Integer exitCodeOf(JsonNode status) {
    if (status == null) {
      return null;
    }
    if ("Success".equals(status.path("status").asText())) {
      return 0;
    }
    if (!"NonZeroExitCode".equals(status.path("reason").asText())) {
      return null;
    }
    for (JsonNode cause : status.path("details").path("causes")) {
      if ("ExitCode".equals(cause.path("reason").asText())) {
        try {
          return Integer.valueOf(cause.path("message").asText().trim());
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** The error channel's last words that were not a JSON Status: v1-v3 send the error as text. */
  private void statusEnded() {
    String text = status.toString(StandardCharsets.UTF_8).trim();
    status.reset();
    if (!text.isEmpty() && !text.startsWith("{")) {
      cast.marker(text);
    }
  }

  private void resize(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (resize.size() >= MAX_RESIZE) {
        resize.reset();
      }
      resize.write(bytes[i]);
      if (bytes[i] == '}') {
        resized(resize.toByteArray());
        resize.reset();
      }
    }
  }

  private void resized(byte[] message) {
    try {
      JsonNode size = JSON.readTree(message);
      int width = size.path("Width").asInt(0);
      int height = size.path("Height").asInt(0);
      if (width > 0 && height > 0) {
        cast.resize(width, height);
      }
    } catch (IOException e) {
      // Not a TerminalSize: kubectl sends nothing else there; skip it.
    }
  }
}
