package dev.kpam.testing.fuzz;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The tally of a fuzz run, whichever engine drives it ({@link Fuzzer} or Jazzer through {@link
 * JazzerEntry}): cases, crashes, leaked buffers, and the first input of each kind of finding.
 */
final class Findings {
  private static final int KEPT = 5;

  private long cases;
  private long crashes;
  private long leaked;
  private final Set<String> kinds = new HashSet<>();
  private final List<String> first = new ArrayList<>();

  long cases() {
    return cases;
  }

  /**
   * Runs one case of {@code target} on {@code data}. Returns the crash it threw, or an {@link
   * AssertionError} naming the buffers it leaked (released here, so that a leak counts once), or
   * null for a clean case.
   */
  Throwable run(FuzzTarget target, byte[] data) {
    cases++;
    FuzzInput input = new FuzzInput(data);
    Throwable finding = null;
    try {
      target.run(input);
    } catch (Throwable e) {
      crashes++;
      keep(kind(e), data);
      finding = e;
    }
    int left = input.leaked();
    if (left > 0) {
      leaked += left;
      input.releaseLeaked();
      String kind = "leak of " + left + " buffer(s) in " + target.name();
      keep(kind, data);
      if (finding == null) {
        finding = new AssertionError(kind);
      }
    }
    return finding;
  }

  FuzzReport report(String target, long moreLeaks, Duration took) {
    return new FuzzReport(target, cases, crashes, first, leaked + moreLeaks, took);
  }

  private void keep(String kind, byte[] data) {
    if (kinds.add(kind) && first.size() < KEPT) {
      first.add(kind + " on input " + HexFormat.of().formatHex(data));
    }
  }

  private static String kind(Throwable e) {
    StackTraceElement[] trace = e.getStackTrace();
    String where = trace.length == 0 ? "?" : trace[0].toString();
    return e.getClass().getName() + ": " + e.getMessage() + " at " + where;
  }
}
