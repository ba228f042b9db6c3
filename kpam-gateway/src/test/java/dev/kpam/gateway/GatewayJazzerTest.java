package dev.kpam.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.testing.fuzz.FuzzReport;
import dev.kpam.testing.fuzz.JazzerRun;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every gateway target in one short coverage-guided Jazzer run (the long run, a target at a time,
 * is kpam-bench {@code JazzerFuzz}).
 */
class GatewayJazzerTest {
  @TempDir Path dir;

  @Test
  void theGatewaysParsersSurviveAShortCoverageGuidedRunWithoutCrashesOrLeaks() throws Exception {
    FuzzReport report =
        JazzerRun.of(GatewayFuzzTargets.class)
            .runs(20_000)
            .maxTime(Duration.ofSeconds(10))
            .in(dir)
            .run();

    System.out.println(report);
    assertThat(report.clean()).as(report.toString()).isTrue();
    assertThat(report.cases()).isGreaterThan(1_000);
  }
}
