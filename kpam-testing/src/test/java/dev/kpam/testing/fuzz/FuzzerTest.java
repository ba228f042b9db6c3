package dev.kpam.testing.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FuzzerTest {
  @Test
  void aTargetThatThrowsOnSomeMutantIsReportedWithTheInputThatDidIt() {
    FuzzTarget target =
        FuzzTarget.of(
            "throws-on-ff",
            List.of(new byte[] {1, 2, 3, 4}),
            in -> {
              for (byte b : in.remainingBytes()) {
                if (b == (byte) 0xff) {
                  throw new IllegalStateException("0xff");
                }
              }
            });

    FuzzReport report = new Fuzzer(1).run(target, 5_000, Duration.ofSeconds(5));

    assertThat(report.crashes()).isPositive();
    assertThat(report.firstCrashes()).anySatisfy(line -> assertThat(line).contains("0xff", "ff"));
    assertThat(report.clean()).isFalse();
  }

  @Test
  void aBufferStillReferencedAfterItsCaseIsCountedAsLeakedAndReleased() {
    FuzzTarget target =
        FuzzTarget.of(
            "keeps-odd",
            List.of(new byte[] {1}, new byte[] {2}),
            in -> {
              var buffer = in.buffer(in.data());
              if (in.data().length % 2 == 0) {
                buffer.release();
              }
            });

    FuzzReport report = new Fuzzer(1).run(target, 200, Duration.ofSeconds(5));

    assertThat(report.cases()).isEqualTo(200);
    assertThat(report.leaked()).isPositive().isLessThan(200);
    assertThat(report.crashes()).isZero();
  }

  @Test
  void aCleanTargetRunsItsSeedsAndThenMutantsUpToTheCount() {
    FuzzReport report =
        new Fuzzer(1)
            .run(
                FuzzTarget.of("clean", List.of(new byte[8]), in -> in.consumeInt(0, 9)),
                1_000,
                Duration.ofSeconds(5));

    assertThat(report.cases()).isEqualTo(1_000);
    assertThat(report.clean()).isTrue();
  }
}
