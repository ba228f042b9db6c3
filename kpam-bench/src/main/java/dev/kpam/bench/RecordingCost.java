package dev.kpam.bench;

import dev.kpam.bench.DeployedPath.Wrk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What session recording costs on the path: two deployments side by side, each part in a process of
 * its own (as {@link DeployedPath}), whose gateways differ only in where events go ({@link
 * BenchGateway}): to the spool, the upload and the server as always, or nowhere. Both gateways
 * start from the benchmark's class path, so neither has the class-data archive. After a warm-up of
 * both, rounds alternate between them (which goes first alternates too): {@code wrk} at one
 * connection, then at 32 connections with the CPU time of every kpam process. Prints each round and
 * the medians, and what recording costs in throughput, latency and CPU.
 *
 * <pre>{@code
 * mvn -q -o install -DskipTests
 * mvn -q -pl kpam-bench exec:java -Dexec.mainClass=dev.kpam.bench.RecordingCost -Dexec.args="3 10"
 * }</pre>
 */
public final class RecordingCost {
  private static final String RECORDED = "recorded";
  private static final String UNRECORDED = "unrecorded";
  private static final Duration WARM_UP = Duration.ofSeconds(20);

  private RecordingCost() {}

  /** One path's figures in one round. */
  private record Figures(
      double p50Ms,
      double rate32,
      double p99Ms32,
      double cpuMsPerThousand,
      Map<String, Double> cpuByProcess) {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Path kpamJar = Path.of(System.getProperty("kpam.jar", "kpam-app/target/kpam.jar"));
    String main = BenchGateway.class.getName();
    try (Deployment recorded =
            Deployment.start(kpamJar, "kpam-bench-recorded", List.of(), List.of(), List.of(main));
        Deployment unrecorded =
            Deployment.start(
                kpamJar,
                "kpam-bench-unrecorded",
                List.of(),
                List.of(),
                List.of(main, BenchGateway.UNRECORDED))) {
      Map<String, Deployment> deployments = new LinkedHashMap<>();
      deployments.put(RECORDED, recorded);
      deployments.put(UNRECORDED, unrecorded);
      Map<String, ProxyTarget> proxies = new LinkedHashMap<>();
      for (Map.Entry<String, Deployment> d : deployments.entrySet()) {
        d.getValue().kube().send("add-configmaps 1 100");
        d.getValue()
            .kube()
            .awaitLine(Pattern.compile("added 1 config maps"), Duration.ofSeconds(30));
        proxies.put(d.getKey(), d.getValue().startProxy("recording cost, " + d.getKey()));
      }
      for (String path : deployments.keySet()) {
        DeployedPath.wrk(
            url(proxies.get(path)), proxies.get(path).token(), 32, (int) WARM_UP.toSeconds());
        DeployedPath.wrk(url(proxies.get(path)), proxies.get(path).token(), 1, 5);
      }
      Map<String, List<Figures>> all = new LinkedHashMap<>();
      for (int round = 1; round <= rounds; round++) {
        List<String> order = new ArrayList<>(deployments.keySet());
        if (round % 2 == 0) {
          java.util.Collections.reverse(order);
        }
        for (String path : order) {
          // With -Dkpam.bench.jfr=DIR the last round's 32-connection run is profiled.
          String jfr = round == rounds ? System.getProperty("kpam.bench.jfr") : null;
          Figures f = measure(proxies.get(path), deployments.get(path), seconds, jfr, path);
          all.computeIfAbsent(path, p -> new ArrayList<>()).add(f);
          System.out.printf(
              "round %d %-10s p50 %.2f ms, %.0f req/s at 32 (p99 %.1f ms), CPU %.0f ms per 1 000"
                  + " %s%n",
              round,
              path,
              f.p50Ms(),
              f.rate32(),
              f.p99Ms32(),
              f.cpuMsPerThousand(),
              f.cpuByProcess());
        }
      }
      Thread.sleep(2000); // the last uploads linger
      long kept = recorded.recordedRequests();
      long dropped = unrecorded.recordedRequests();
      System.out.printf(
          "requests recorded at the server: %d with recording, %d without%n", kept, dropped);
      if (kept == 0 || dropped != 0) {
        throw new IllegalStateException("the two gateways did not differ in recording");
      }
      Figures on = median(all.get(RECORDED));
      Figures off = median(all.get(UNRECORDED));
      System.out.printf("%nmedians of %d rounds (wrk %d s each)%n", rounds, seconds);
      System.out.printf(
          "%-12s %10s %14s %12s %22s%n",
          "gateway", "p50 1c ms", "req/s at 32", "p99 32c ms", "kpam CPU ms / 1 000 req");
      Map<String, Figures> medians = new LinkedHashMap<>();
      medians.put(RECORDED, on);
      medians.put(UNRECORDED, off);
      for (Map.Entry<String, Figures> e : medians.entrySet()) {
        Figures f = e.getValue();
        System.out.printf(
            "%-12s %10.2f %14.0f %12.1f %22.0f  %s%n",
            e.getKey(), f.p50Ms(), f.rate32(), f.p99Ms32(), f.cpuMsPerThousand(), f.cpuByProcess());
      }
      System.out.printf(
          "recording costs %.1f %% of the throughput at 32 connections, %+.2f ms of p50 at one,"
              + " %.0f ms of kpam CPU per 1 000 requests (%.1f %%)%n",
          100 * (1 - on.rate32() / off.rate32()),
          on.p50Ms() - off.p50Ms(),
          on.cpuMsPerThousand() - off.cpuMsPerThousand(),
          100 * (on.cpuMsPerThousand() / off.cpuMsPerThousand() - 1));
    }
  }

  private static Figures measure(
      ProxyTarget proxy, Deployment deployment, int seconds, String jfr, String path)
      throws Exception {
    Wrk one = DeployedPath.wrk(url(proxy), proxy.token(), 1, seconds);
    List<ChildProcess> processes = deployment.kpamProcesses();
    if (jfr != null) {
      for (ChildProcess process : processes) {
        DeployedPath.jcmd(
            deployment.jdkBin(), process, "JFR.start", "name=bench", "settings=profile");
      }
    }
    Map<String, Long> before = DeployedPath.cpuTicks(processes);
    Wrk loaded = DeployedPath.wrk(url(proxy), proxy.token(), 32, seconds);
    Map<String, Long> after = DeployedPath.cpuTicks(processes);
    if (jfr != null) {
      Files.createDirectories(Path.of(jfr));
      for (ChildProcess process : processes) {
        Path file =
            Path.of(jfr, path + "-" + process.name().replace(' ', '-') + ".jfr").toAbsolutePath();
        DeployedPath.jcmd(
            deployment.jdkBin(), process, "JFR.stop", "name=bench", "filename=" + file);
      }
    }
    Map<String, Double> byProcess = new LinkedHashMap<>();
    double total = 0;
    for (Map.Entry<String, Long> e : before.entrySet()) {
      double ms =
          (after.get(e.getKey()) - e.getValue())
              * 1000.0
              / DeployedPath.CLOCK_TICKS
              * 1000.0
              / loaded.requests();
      byProcess.put(e.getKey(), Math.rint(ms));
      total += ms;
    }
    return new Figures(one.p50Ms(), loaded.rate(), loaded.p99Ms(), total, byProcess);
  }

  private static String url(ProxyTarget proxy) {
    return proxy.url().toString();
  }

  private static Figures median(List<Figures> list) {
    return new Figures(
        DeployedPath.median(list.stream().mapToDouble(Figures::p50Ms).toArray()),
        DeployedPath.median(list.stream().mapToDouble(Figures::rate32).toArray()),
        DeployedPath.median(list.stream().mapToDouble(Figures::p99Ms32).toArray()),
        DeployedPath.median(list.stream().mapToDouble(Figures::cpuMsPerThousand).toArray()),
        medianByProcess(list));
  }

  private static Map<String, Double> medianByProcess(List<Figures> list) {
    Map<String, Double> medians = new LinkedHashMap<>();
    for (String process : list.get(0).cpuByProcess().keySet()) {
      medians.put(
          process,
          DeployedPath.median(
              list.stream().mapToDouble(f -> f.cpuByProcess().get(process)).toArray()));
    }
    return medians;
  }
}
