package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.testing.fuzz.FuzzReport;
import dev.kpam.testing.fuzz.FuzzTarget;
import dev.kpam.testing.fuzz.Fuzzer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JSON endpoints under a short bounded fuzz run (the long, coverage-guided run is kpam-bench
 * {@code JazzerFuzz}): any body gets a 2xx or a 4xx {@code {code, message}}, never a 500.
 */
class ApiFuzzTest {
  private static ApiFuzz api;

  @BeforeAll
  static void start() {
    api = ApiFuzz.start();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void fuzzedBodiesOnTheJsonEndpointsAreAnsweredWithA2xxOrA4xxJsonErrorNever500() {
    for (FuzzTarget target : api.targets()) {
      FuzzReport report = new Fuzzer(20261202L).run(target, 300, Duration.ofSeconds(1));
      assertThat(report.clean()).as(report.toString()).isTrue();
      assertThat(report.cases()).isGreaterThan(target.seeds().size());
    }
  }
}
