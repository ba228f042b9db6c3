package dev.kpam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.cli.access.AccessFuzzTargets;
import dev.kpam.testing.fuzz.FuzzReport;
import dev.kpam.testing.fuzz.Fuzzer;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The local proxy's request path under a short deterministic mutation run ({@code AccessJazzerTest}
 * is the coverage-guided one).
 */
class AccessFuzzTest {
  @TestFactory
  Stream<DynamicTest> theLocalProxySurvivesAShortFuzzRunWithoutCrashesOrLeaks() {
    return AccessFuzzTargets.all().stream()
        .map(
            target ->
                DynamicTest.dynamicTest(
                    target.name(),
                    () -> {
                      FuzzReport report =
                          new Fuzzer(20261202L).run(target, 3_000, Duration.ofSeconds(2));
                      assertThat(report.clean()).as(report.toString()).isTrue();
                      assertThat(report.cases()).isGreaterThan(target.seeds().size());
                    }));
  }
}
