package dev.kpam.bench;

import dev.kpam.cli.access.AccessFuzzTargets;
import dev.kpam.gateway.GatewayFuzzTargets;
import dev.kpam.server.ApiFuzz;
import dev.kpam.testing.fuzz.FuzzReport;
import dev.kpam.testing.fuzz.FuzzSuite;
import dev.kpam.testing.fuzz.FuzzTarget;
import dev.kpam.testing.fuzz.JazzerRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The long coverage-guided fuzz run: Jazzer over every target of the gateway (proxy, SPDY,
 * WebSocket, recording) and of the CLI's local proxy, a target at a time, then over the server's
 * JSON endpoints (a real server on SQLite) in one run, each in its own JVM with paranoid leak
 * detection. Prints per run the cases, crashes and leaked buffers, then the totals; exits 1 if
 * anything was found. Findings and the grown corpus stay in the work directory (default {@code
 * target/jazzer}), so a second run starts from what the first learned.
 *
 * <pre>{@code
 * mvn -o -q -pl kpam-bench -am install -DskipTests
 * mvn -o -q -pl kpam-bench dependency:build-classpath -Dmdep.outputFile=target/fuzz.classpath
 * java -cp kpam-bench/target/classes:$(cat kpam-bench/target/fuzz.classpath) \
 *     dev.kpam.bench.JazzerFuzz [runs per target: 20000] [API runs: 20000] [max s per run: 120] [dir]
 * }</pre>
 */
public final class JazzerFuzz {
  private JazzerFuzz() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    long runs = args.length > 0 ? Long.parseLong(args[0]) : 20_000;
    long apiRuns = args.length > 1 ? Long.parseLong(args[1]) : 20_000;
    Duration limit = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 120);
    Path dir = Files.createDirectories(Path.of(args.length > 3 ? args[3] : "target/jazzer"));
    System.out.printf(
        "jazzer: %,d runs per target (API %,d), at most %d s each, in %s%n",
        runs, apiRuns, limit.toSeconds(), dir.toAbsolutePath());
    List<FuzzReport> reports = new ArrayList<>();
    for (FuzzSuite suite : List.of(new GatewayFuzzTargets(), new AccessFuzzTargets())) {
      for (FuzzTarget target : suite.targets()) {
        JazzerRun run =
            JazzerRun.of(suite.getClass()).target(target.name()).runs(runs).maxTime(limit);
        reports.add(print(run.in(dir).run()));
      }
    }
    reports.add(
        print(JazzerRun.of(ApiFuzz.Suite.class).runs(apiRuns).maxTime(limit).in(dir).run()));
    long cases = reports.stream().mapToLong(FuzzReport::cases).sum();
    long crashes = reports.stream().mapToLong(FuzzReport::crashes).sum();
    long leaked = reports.stream().mapToLong(FuzzReport::leaked).sum();
    System.out.printf(
        "total: %,d cases, %d crashes, %d leaked buffers, %d runs%n",
        cases, crashes, leaked, reports.size());
    System.exit(crashes == 0 && leaked == 0 ? 0 : 1);
  }

  private static FuzzReport print(FuzzReport report) {
    System.out.println(report);
    return report;
  }
}
