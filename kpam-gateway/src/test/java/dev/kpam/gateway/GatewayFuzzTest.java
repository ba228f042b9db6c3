package dev.kpam.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.testing.fuzz.FuzzReport;
import dev.kpam.testing.fuzz.Fuzzer;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The gateway's parsers and handlers under a short deterministic mutation run: each target its
 * seeds and a few thousand mutants, a second at most ({@code GatewayJazzerTest} is the
 * coverage-guided one).
 */
class GatewayFuzzTest {
  @TestFactory
  Stream<DynamicTest> everyTargetSurvivesAShortFuzzRunWithoutCrashesOrLeaks() {
    return GatewayFuzzTargets.all().stream()
        .map(
            target ->
                DynamicTest.dynamicTest(
                    target.name(),
                    () -> {
                      FuzzReport report =
                          new Fuzzer(20261202L).run(target, 3_000, Duration.ofSeconds(1));
                      assertThat(report.clean()).as(report.toString()).isTrue();
                      assertThat(report.cases()).isGreaterThan(target.seeds().size());
                    }));
  }
}
