package dev.kpam.testing.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A coverage-guided fuzz run of a {@link FuzzSuite} by Jazzer (libFuzzer with JVM bytecode
 * coverage), in a child JVM on this JVM's class path: libFuzzer ends its process when the run is
 * over, and a crash of the target must not take the caller down. One target, or every target of the
 * suite in one run. Findings are saved under the run's directory as libFuzzer's {@code crash-*}
 * inputs and Jazzer's Java reproducers; the corpus it grows is kept there for the next run.
 *
 * <pre>{@code
 * FuzzReport report =
 *     JazzerRun.of(GatewayFuzzTargets.class).runs(20_000).maxTime(Duration.ofSeconds(20)).in(dir).run();
 * assertThat(report.clean()).as(report.toString()).isTrue();
 * }</pre>
 */
public final class JazzerRun {
  private static final Pattern DONE = Pattern.compile("^Done (\\d+) runs in", Pattern.MULTILINE);
  private static final int KEEP_GOING = 20;

  private final String suite;
  private String target = "";
  private long runs = 10_000;
  private Duration maxTime = Duration.ofSeconds(30);
  private long seed;
  private Path dir;

  private JazzerRun(String suite) {
    this.suite = suite;
  }

  public static JazzerRun of(Class<? extends FuzzSuite> suite) {
    return new JazzerRun(suite.getName());
  }

  /** Only the target of this name (default: every target of the suite in one run). */
  public JazzerRun target(String name) {
    this.target = name;
    return this;
  }

  /** At most this many cases. */
  public JazzerRun runs(long runs) {
    this.runs = runs;
    return this;
  }

  /** At most this long (libFuzzer's {@code -max_total_time}, whole seconds). */
  public JazzerRun maxTime(Duration maxTime) {
    this.maxTime = maxTime;
    return this;
  }

  /**
   * libFuzzer's {@code -seed}: a fixed one makes the run repeatable (a test that must find what was
   * planted); 0, the default, a new one each run (a fuzzing campaign).
   */
  public JazzerRun seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Where the corpus, the findings and the child's output go. */
  public JazzerRun in(Path dir) {
    this.dir = dir;
    return this;
  }

  /** Runs the child JVM to its end and reports what it found. */
  public FuzzReport run() throws IOException, InterruptedException {
    Path work = dir.resolve(target.isEmpty() ? "all" : target);
    Path corpus = Files.createDirectories(work.resolve("corpus"));
    Path seeds = work.resolve("seeds");
    Path log = work.resolve("jazzer.log");
    // Per-case log lines would cost more than the cases; errors are kept.
    Files.writeString(
        work.resolve("logback.xml"),
        "<configuration><appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">"
            + "<encoder><pattern>%level %logger - %msg%n</pattern></encoder></appender>"
            + "<root level=\"ERROR\"><appender-ref ref=\"out\"/></root></configuration>");
    long start = System.nanoTime();
    Process child =
        new ProcessBuilder(command(work, corpus, seeds))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long seconds = Math.max(1, maxTime.toSeconds());
    if (!child.waitFor(seconds + 120, TimeUnit.SECONDS)) {
      child.destroyForcibly().waitFor();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return report(Files.readString(log, StandardCharsets.UTF_8), child.exitValue(), log, took);
  }

  private List<String> command(Path work, Path corpus, Path seeds) {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx768m",
            "-XX:+UseParallelGC",
            "-XX:-OmitStackTraceInFastThrow",
            "-Dio.netty.leakDetection.level=paranoid",
            "-Dlogback.configurationFile=" + work.resolve("logback.xml"),
            "-Dkpam.fuzz.suite=" + suite,
            "-Dkpam.fuzz.target=" + target,
            "-Dkpam.fuzz.seeds=" + seeds,
            "-cp",
            classPath,
            "com.code_intelligence.jazzer.Jazzer",
            "--target_class=" + JazzerEntry.class.getName(),
            // Coverage of our code and Netty's codecs guides the search; the rest is not measured.
            "--instrumentation_includes=dev.kpam.**:io.netty.handler.codec.**",
            "--custom_hook_includes=dev.kpam.**",
            // The API targets connect to their own loopback server by design.
            "--disabled_hooks=com.code_intelligence.jazzer.sanitizers.ServerSideRequestForgery",
            "--keep_going=" + KEEP_GOING,
            "--reproducer_path=" + work,
            "-artifact_prefix=" + work + "/",
            "-runs=" + runs,
            "-seed=" + seed,
            "-max_total_time=" + Math.max(1, maxTime.toSeconds()),
            "-timeout=10",
            "-max_len=4096",
            corpus.toString(),
            seeds.toString()));
    return command;
  }

  private FuzzReport report(String output, int exit, Path log, Duration took) {
    String name = target.isEmpty() ? suite.substring(suite.lastIndexOf('.') + 1) : target;
    long cases = 0;
    long crashes = 0;
    long leaked = 0;
    List<String> findings = new ArrayList<>();
    boolean summarised = false;
    for (String line : output.split("\n")) {
      if (line.startsWith(JazzerEntry.SUMMARY)) {
        String[] figures = line.substring(JazzerEntry.SUMMARY.length()).trim().split(" ");
        cases = Long.parseLong(figures[0]);
        crashes = Long.parseLong(figures[1]);
        leaked = Long.parseLong(figures[2]);
        summarised = true;
      } else if (line.startsWith(JazzerEntry.FINDING)) {
        findings.add(line.substring(JazzerEntry.FINDING.length()));
      }
    }
    Matcher done = DONE.matcher(output);
    if (!summarised || (!done.find() && crashes < KEEP_GOING)) {
      // The child died (or hung and was killed) before libFuzzer finished: that is a finding too.
      crashes++;
      findings.add("the fuzzing JVM ended early (exit " + exit + "); see " + log);
    }
    return new FuzzReport(name, cases, crashes, findings, leaked, took);
  }
}
