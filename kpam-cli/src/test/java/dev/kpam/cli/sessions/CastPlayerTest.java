package dev.kpam.cli.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kpam.cli.CliException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replaying a cast: the pauses between outputs, capped and sped up, and where each event goes. */
class CastPlayerTest {
  private static final String CAST =
      "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 1795867200}\n"
          + "[0.5, \"o\", \"$ \"]\n"
          + "[1.25, \"i\", \"l\"]\n"
          + "[1.5, \"o\", \"ls\\r\\n\"]\n"
          + "[1.5, \"r\", \"100x30\"]\n"
          + "[61.5, \"o\", \"later\\r\\n\"]\n"
          + "[62.0, \"m\", \"binary stream: contents not recorded\"]\n";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final List<Long> pauses = new ArrayList<>();

  private CastPlayer player(double speed, Duration maxIdle) {
    return new CastPlayer(new PrintWriter(out), new PrintWriter(err), speed, maxIdle, pauses::add);
  }

  @Test
  void outputsKeepTheirTimingWithIdleGapsCappedAtMaxIdle() {
    player(1, Duration.ofSeconds(2)).play(CAST);

    assertThat(out.toString()).isEqualTo("$ ls\r\nlater\r\n");
    assertThat(err.toString()).isEqualTo("[binary stream: contents not recorded]\n");
    // 0.5 s, 0.75 s (to the input), 0.25 s, none, a minute capped at 2 s, 0.5 s.
    assertThat(pauses).containsExactly(500L, 750L, 250L, 2_000L, 500L);
  }

  @Test
  void speedDividesEveryPause() {
    player(2.5, Duration.ofSeconds(10)).play(CAST);

    assertThat(pauses).containsExactly(200L, 300L, 100L, 4_000L, 200L);
  }

  @Test
  void aTextThatIsNoCastIsRefused() {
    assertThatThrownBy(() -> player(1, Duration.ofSeconds(2)).play("<html>login</html>\n"))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("not asciicast v2");
    assertThatThrownBy(() -> player(-1, Duration.ofSeconds(2)))
        .hasMessage("speed: -1.0 (expected: a number above 0, such as 2 or 0.5)");
  }
}
