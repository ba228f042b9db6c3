package dev.kpam.testing.fuzz;

import java.time.Duration;
import java.util.List;

/**
 * What a fuzz run of one target found: how many cases ran, the crashes (one line and the input in
 * hex each, first of each kind) and the buffers still referenced after a case.
 */
public record FuzzReport(
    String target,
    long cases,
    long crashes,
    List<String> firstCrashes,
    long leaked,
    Duration took) {
  public FuzzReport {
    firstCrashes = List.copyOf(firstCrashes);
  }

  public boolean clean() {
    return crashes == 0 && leaked == 0;
  }

  /** One line: target, cases, crashes, leaked buffers, time. */
  public String line() {
    return String.format(
        "%-28s cases %,10d   crashes %4d   leaked buffers %4d   %6.1f s",
        target, cases, crashes, leaked, took.toMillis() / 1000.0);
  }

  /** The line, then each kind of crash. */
  @Override
  public String toString() {
    return firstCrashes.isEmpty() ? line() : line() + "\n  " + String.join("\n  ", firstCrashes);
  }
}
