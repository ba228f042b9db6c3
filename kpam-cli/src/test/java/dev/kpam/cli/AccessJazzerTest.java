package dev.kpam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.cli.access.AccessFuzzTargets;
import dev.kpam.testing.fuzz.FuzzReport;
import dev.kpam.testing.fuzz.JazzerRun;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local proxy's request path in a short coverage-guided Jazzer run. */
class AccessJazzerTest {
  @TempDir Path dir;

  @Test
  void theLocalProxySurvivesAShortCoverageGuidedRunWithoutCrashesOrLeaks() throws Exception {
    FuzzReport report =
        JazzerRun.of(AccessFuzzTargets.class)
            .runs(10_000)
            .maxTime(Duration.ofSeconds(10))
            .in(dir)
            .run();

    assertThat(report.clean()).as(report.toString()).isTrue();
    assertThat(report.cases()).isGreaterThan(1_000);
  }
}
