package dev.kpam.testing.fuzz;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JazzerRunTest {
  @TempDir Path dir;

  /** Two planted bugs, behind comparisons Jazzer's coverage feedback has to get past. */
  public static final class Planted implements FuzzSuite {
    @Override
    public List<FuzzTarget> targets() {
      return List.of(
          FuzzTarget.of(
              "bomb",
              List.of("GET /".getBytes(US_ASCII)),
              in -> {
                String line = new String(in.remainingBytes(), US_ASCII);
                if (line.startsWith("PUT /x")) {
                  throw new IllegalStateException("planted crash");
                }
              }),
          FuzzTarget.of(
              "leaky",
              List.of(new byte[] {1, 2}),
              in -> {
                var buffer = in.track(Unpooled.buffer(4));
                if (in.consumeByte() != 0x42 || in.consumeByte() != 0x17) {
                  buffer.release();
                }
              }));
    }
  }

  @Test
  void findsTheCrashAndTheLeakOfASuiteFuzzedInOneRun() throws Exception {
    FuzzReport report =
        JazzerRun.of(Planted.class)
            .runs(200_000)
            .maxTime(Duration.ofSeconds(20))
            .seed(1)
            .in(dir)
            .run();

    assertThat(report.clean()).as(report.toString()).isFalse();
    assertThat(report.crashes()).isPositive();
    assertThat(report.leaked()).isPositive();
    assertThat(report.firstCrashes())
        .anyMatch(line -> line.contains("IllegalStateException: planted crash"))
        .anyMatch(line -> line.startsWith("leak of 1 buffer(s) in leaky"));
    try (Stream<Path> files = Files.list(dir.resolve("all"))) {
      assertThat(files.map(path -> path.getFileName().toString()))
          .anyMatch(name -> name.startsWith("crash-"));
    }
  }

  @Test
  void aTargetFuzzedAloneGetsTheWholeInput() throws Exception {
    FuzzReport report =
        JazzerRun.of(Planted.class)
            .target("bomb")
            .runs(2_000)
            .maxTime(Duration.ofSeconds(20))
            .in(dir)
            .run();

    assertThat(report.target()).isEqualTo("bomb");
    assertThat(report.cases()).isBetween(1_000L, 2_000L);
    assertThat(report.leaked()).isZero();
    assertThat(report.firstCrashes()).allMatch(line -> line.contains("on input 505554202f78"));
  }
}
