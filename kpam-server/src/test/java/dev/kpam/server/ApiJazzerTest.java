package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.testing.fuzz.FuzzReport;
import dev.kpam.testing.fuzz.JazzerRun;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's JSON endpoints (a real server on SQLite) in a short coverage-guided Jazzer run. */
class ApiJazzerTest {
  @TempDir Path dir;

  @Test
  void theJsonEndpointsSurviveAShortCoverageGuidedRunWithoutCrashes() throws Exception {
    FuzzReport report =
        JazzerRun.of(ApiFuzz.Suite.class)
            .runs(3_000)
            .maxTime(Duration.ofSeconds(10))
            .in(Path.of("/tmp/apijz"))
            .run();

    assertThat(report.clean()).as(report.toString()).isTrue();
    assertThat(report.cases()).isGreaterThan(500);
  }
}
