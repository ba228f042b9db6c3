package dev.kpam.testing.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The fuzz target class Jazzer loads in the child JVM of a {@link JazzerRun}. It builds the suite
 * named by {@code -Dkpam.fuzz.suite}, writes the seeds of the chosen target (or of all, each
 * prefixed with its target's index byte) to {@code -Dkpam.fuzz.seeds} before libFuzzer reads its
 * corpus, and feeds each input to the target. With every target in one run the first byte picks the
 * target, so the coverage of one guides the others' inputs too. Crashes and leaks are rethrown for
 * Jazzer to save; the tally is printed as one {@link #SUMMARY} line when the JVM exits.
 */
public final class JazzerEntry {
  /** The prefix of the line the parent reads: {@code cases crashes leaked} then kept findings. */
  static final String SUMMARY = "kpam-fuzz-summary ";

  static final String FINDING = "kpam-fuzz-finding ";

  private static List<FuzzTarget> targets;
  private static final Findings findings = new Findings();
  private static NettyLeakCount netty;

  private JazzerEntry() {}

  public static void fuzzerInitialize() throws Exception {
    netty = NettyLeakCount.install();
    FuzzSuite suite =
        (FuzzSuite)
            Class.forName(System.getProperty("kpam.fuzz.suite"))
                .getDeclaredConstructor()
                .newInstance();
    String only = System.getProperty("kpam.fuzz.target", "");
    targets =
        suite.targets().stream().filter(t -> only.isEmpty() || t.name().equals(only)).toList();
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no fuzz target named " + only);
    }
    writeSeeds(Path.of(System.getProperty("kpam.fuzz.seeds")));
    Runtime.getRuntime().addShutdownHook(new Thread(JazzerEntry::printSummary));
  }

  public static void fuzzerTestOneInput(byte[] data) throws Throwable {
    FuzzTarget target = targets.get(0);
    byte[] input = data;
    if (targets.size() > 1) {
      if (data.length == 0) {
        return;
      }
      target = targets.get((data[0] & 0xff) % targets.size());
      input = Arrays.copyOfRange(data, 1, data.length);
    }
    Throwable finding = findings.run(target, input);
    if (finding != null) {
      throw finding;
    }
  }

  private static void writeSeeds(Path dir) {
    try {
      Files.createDirectories(dir);
      for (int t = 0; t < targets.size(); t++) {
        List<byte[]> seeds = targets.get(t).seeds();
        for (int s = 0; s < seeds.size(); s++) {
          byte[] seed = seeds.get(s);
          if (targets.size() > 1) {
            byte[] prefixed = new byte[seed.length + 1];
            prefixed[0] = (byte) t;
            System.arraycopy(seed, 0, prefixed, 1, seed.length);
            seed = prefixed;
          }
          Files.write(dir.resolve(targets.get(t).name() + "-" + s), seed);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void printSummary() {
    FuzzReport report = findings.report("", netty.collect(), Duration.ZERO);
    System.out.println(SUMMARY + report.cases() + " " + report.crashes() + " " + report.leaked());
    for (String kept : report.firstCrashes()) {
      System.out.println(FINDING + kept);
    }
    System.out.flush();
  }
}
