package dev.kpam.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.gateway.proxy.ProxyFuzzTargets;
import dev.kpam.gateway.proxy.spdy.SpdyFuzzTargets;
import dev.kpam.gateway.record.RecordFuzzTargets;
import dev.kpam.gateway.record.cast.CastFuzzTargets;
import dev.kpam.testing.fuzz.FuzzReport;
import dev.kpam.testing.fuzz.FuzzTarget;
import dev.kpam.testing.fuzz.Fuzzer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The gateway's parsers and handlers under a short bounded fuzz run (the long run is kpam-bench
 * {@code Fuzz}): each target its seeds and a few thousand mutants, a second at most.
 */
class GatewayFuzzTest {
  /** Every fuzz target of the gateway, for this test and the bench. */
  public static List<FuzzTarget> targets() {
    List<FuzzTarget> targets = new ArrayList<>();
    targets.addAll(ProxyFuzzTargets.all());
    targets.addAll(SpdyFuzzTargets.all());
    targets.addAll(RecordFuzzTargets.all());
    targets.addAll(CastFuzzTargets.all());
    return targets;
  }

  @TestFactory
  Stream<DynamicTest> everyTargetSurvivesAShortFuzzRunWithoutCrashesOrLeaks() {
    return targets().stream()
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
