package dev.kpam.testing.fuzz;

import java.util.List;

/**
 * A module's fuzz targets, for runs in a child JVM ({@link JazzerRun}): the child finds the suite
 * by class name, so an implementation has a public no-argument constructor.
 *
 * <pre>{@code
 * public final class GatewayFuzzTargets implements FuzzSuite {
 *   public List<FuzzTarget> targets() { return all(); }
 * }
 * }</pre>
 */
public interface FuzzSuite {
  /** The targets, ready to run (a suite may start what they need, e.g. a server). */
  List<FuzzTarget> targets();
}
