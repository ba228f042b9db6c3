package dev.kpam.cli.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.cli.CliException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Replays an asciicast v2 recording (docs/RECORDING.md §2): {@code "o"} output to {@code out} with
 * its timing, gaps capped at {@code maxIdle} and divided by {@code speed}; {@code "m"} markers to
 * {@code err} in brackets; input and resizes are not replayed.
 *
 * <pre>{@code
 * new CastPlayer(out, err, 2.0, Duration.ofSeconds(2), Thread::sleep).play(castText);
 * }</pre>
 */
final class CastPlayer {
  /** Waits between two events; {@code Thread::sleep} outside tests. */
  @FunctionalInterface
  interface Pause {
    void sleep(long millis) throws InterruptedException;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintWriter out;
  private final PrintWriter err;
  private final double speed;
  private final Duration maxIdle;
  private final Pause pause;

  CastPlayer(PrintWriter out, PrintWriter err, double speed, Duration maxIdle, Pause pause) {
    if (!(speed > 0) || Double.isInfinite(speed)) {
      throw new CliException("speed: " + speed + " (expected: a number above 0, such as 2 or 0.5)");
    }
    if (maxIdle.isNegative()) {
      throw new CliException(
          "max-idle: " + maxIdle.toMillis() / 1000.0 + " (expected: 0 or more seconds)");
    }
    this.out = out;
    this.err = err;
    this.speed = speed;
    this.maxIdle = maxIdle;
    this.pause = pause;
  }

  void play(String cast) {
    String[] lines = cast.split("\n");
    if (lines.length == 0 || !parse(lines[0]).path("version").asText().equals("2")) {
      throw new CliException("the recording is not asciicast v2 (its first line is no v2 header)");
    }
    double previous = 0;
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      JsonNode event = parse(lines[i]);
      if (!event.isArray() || event.size() < 3) {
        throw new CliException(
            "line " + (i + 1) + " of the recording is no [time, code, data] event");
      }
      double time = event.get(0).asDouble();
      long gap = Math.min(Math.round(Math.max(0, time - previous) * 1000), maxIdle.toMillis());
      previous = time;
      idle(Math.round(gap / speed));
      String data = event.get(2).asText();
      switch (event.get(1).asText()) {
        case "o" -> {
          out.print(data);
          out.flush();
        }
        case "m" -> {
          err.println("[" + data + "]");
          err.flush();
        }
        default -> {
          // "i" (input, already echoed in "o") and "r" (resize) are not replayed.
        }
      }
    }
  }

  private void idle(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      pause.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while playing the recording", e);
    }
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }
}
