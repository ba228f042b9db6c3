package dev.kpam.gateway;

import dev.kpam.gateway.proxy.ProxyFuzzTargets;
import dev.kpam.gateway.record.RecordFuzzTargets;
import dev.kpam.gateway.record.cast.CastFuzzTargets;
import dev.kpam.testing.fuzz.FuzzSuite;
import dev.kpam.testing.fuzz.FuzzTarget;
import dev.kpam.transport.spdy.SpdyFuzzTargets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every fuzz target of the gateway, for {@code GatewayFuzzTest}, {@code GatewayJazzerTest} and the
 * kpam-bench {@code Fuzz} and {@code JazzerFuzz} long runs.
 *
 * <pre>{@code
 * GatewayFuzzTargets.all().forEach(target -> fuzzer.run(target, 100_000, Duration.ofMinutes(1)));
 * }</pre>
 */
public final class GatewayFuzzTargets implements FuzzSuite {
  @Override
  public List<FuzzTarget> targets() {
    return all();
  }

  public static List<FuzzTarget> all() {
    List<FuzzTarget> targets = new ArrayList<>();
    targets.addAll(ProxyFuzzTargets.all());
    targets.addAll(SpdyFuzzTargets.all());
    targets.addAll(RecordFuzzTargets.all());
    targets.addAll(CastFuzzTargets.all());
    return List.copyOf(targets);
  }
}
