package dev.kpam.bench;

import dev.kpam.cli.access.AccessFuzzTargets;
import dev.kpam.gateway.GatewayFuzzTargets;
import dev.kpam.server.ApiFuzz;
import dev.kpam.testing.fuzz.FuzzReport;
import dev.kpam.testing.fuzz.FuzzTarget;
import dev.kpam.testing.fuzz.Fuzzer;
import dev.kpam.testing.fuzz.NettyLeakCount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The long fuzz run: every fuzz target of the gateway (proxy, SPDY, recording), the CLI local proxy
 * and the server's JSON endpoints (a real server on SQLite), each for N cases or S seconds (default
 * 20000 cases, API targets 3000, at most 120 s each), with paranoid leak detection. Prints per
 * target the cases run, the crashes and the leaked buffers (those still referenced after their
 * case, plus those Netty's detector reported), then the totals; exits 1 if anything was found.
 *
 * <pre>{@code
 * mvn -o -q -pl kpam-bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/fuzz.classpath
 * java -Dio.netty.leakDetection.level=paranoid -cp kpam-bench/target/classes:$(cat kpam-bench/target/fuzz.classpath) dev.kpam.bench.Fuzz 20000 3000 120
 * }</pre>
 */
public final class Fuzz {
  private Fuzz() {}

  public static void main(String[] args) {
    try {
      System.exit(fuzz(args) ? 0 : 1);
    } catch (RuntimeException | Error e) {
      // The server's threads would keep the JVM up.
      e.printStackTrace();
      System.exit(2);
    }
  }

  private static boolean fuzz(String[] args) {
    NettyLeakCount leaks = NettyLeakCount.install();
    long cases = args.length > 0 ? Long.parseLong(args[0]) : 20_000;
    long apiCases = args.length > 1 ? Long.parseLong(args[1]) : 3_000;
    Duration limit = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 120);
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 20261202L;
    String only = args.length > 4 ? args[4] : "";
    Fuzzer fuzzer = new Fuzzer(seed);
    System.out.printf(
        "fuzz: %,d cases per target (API %,d), at most %d s each, seed %d, leak detection %s%n",
        cases, apiCases, limit.toSeconds(), seed, io.netty.util.ResourceLeakDetector.getLevel());
    List<FuzzReport> reports = new ArrayList<>();
    List<Long> detected = new ArrayList<>();
    List<FuzzTarget> targets = new ArrayList<>(GatewayFuzzTargets.all());
    targets.addAll(AccessFuzzTargets.all());
    targets.removeIf(target -> !target.name().startsWith(only));
    for (FuzzTarget target : targets) {
      run(fuzzer, target, cases, limit, leaks, reports, detected);
    }
    try (ApiFuzz api = ApiFuzz.start()) {
      for (FuzzTarget target : api.targets()) {
        if (!target.name().startsWith(only)) {
          continue;
        }
        run(fuzzer, target, apiCases, limit, leaks, reports, detected);
      }
    }
    long total = reports.stream().mapToLong(FuzzReport::cases).sum();
    long crashes = reports.stream().mapToLong(FuzzReport::crashes).sum();
    long leaked =
        reports.stream().mapToLong(FuzzReport::leaked).sum()
            + detected.stream().mapToLong(Long::longValue).sum();
    System.out.printf(
        "total: %,d cases, %d crashes, %d leaked buffers, %d targets%n",
        total, crashes, leaked, reports.size());
    return crashes == 0 && leaked == 0;
  }

  private static void run(
      Fuzzer fuzzer,
      FuzzTarget target,
      long cases,
      Duration limit,
      NettyLeakCount leaks,
      List<FuzzReport> reports,
      List<Long> detected) {
    long before = leaks.collect();
    FuzzReport report = fuzzer.run(target, cases, limit);
    long reported = leaks.collect() - before;
    reports.add(report);
    detected.add(reported);
    System.out.println(report + (reported > 0 ? "   + " + reported + " reported by Netty" : ""));
  }
}
