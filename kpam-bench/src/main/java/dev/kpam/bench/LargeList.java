package dev.kpam.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One gateway passing a list answer far larger than its heap: the fake API server holds enough
 * config maps (default 1024 of 100 KiB) that {@code GET /api/v1/namespaces/default/configmaps}
 * answers over 100 MiB, and this program GETs it R times (default 3) through one {@code kpam k8s
 * access} local proxy, reading each body as a stream and dropping it. Every part runs in a process
 * of its own ({@link Deployment}); the measured {@code kpam gateway} runs with a small heap
 * (default {@code -Xmx128m}). It prints the list's size and MB/s directly from the fake API server
 * and through kpam, whether every list arrived whole, the gateway's heap and RSS peaks sampled
 * every 100 ms during the lists ({@code jstat -gc}, {@code /proc}), its heap after a full GC before
 * and after, and its GCs.
 *
 * <pre>{@code
 * mvn -q -o install -DskipTests
 * mvn -pl kpam-bench exec:java -Dexec.mainClass=dev.kpam.bench.LargeList -Dexec.args="128m 3 1024 102400"
 * }</pre>
 */
public final class LargeList {
  private static final String LIST_PATH = "/api/v1/namespaces/default/configmaps";
  private static final String POD_PATH = "/api/v1/namespaces/default/pods/web";
  private static final Pattern HEAP_SIZE = Pattern.compile("\\d+[kmg]?");
  private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(100);
  private static final Duration FILL_LIMIT = Duration.ofMinutes(5);
  private static final Duration START_LIMIT = Duration.ofMinutes(2);

  /** What one run measures; the gateway's {@code -Xmx}, as {@code java} takes it. */
  record Options(String gatewayHeap, int lists, int configMaps, int bytesEach) {
    Options {
      if (!HEAP_SIZE.matcher(gatewayHeap).matches()) {
        throw new IllegalArgumentException(
            "gatewayHeap: " + gatewayHeap + " (expected: a size for -Xmx, such as 128m)");
      }
      if (lists < 1) {
        throw new IllegalArgumentException("lists: " + lists + " (expected: at least 1)");
      }
      if (configMaps < 1) {
        throw new IllegalArgumentException("configMaps: " + configMaps + " (expected: at least 1)");
      }
      if (bytesEach < 1 || bytesEach > 1 << 20) {
        throw new IllegalArgumentException(
            "bytesEach: " + bytesEach + " (expected: 1..1048576, a config map's limit)");
      }
    }
  }

  private final Options options;
  private final Deployment kpam;

  private LargeList(Options options, Deployment kpam) {
    this.options = options;
    this.kpam = kpam;
  }

  public static void main(String[] args) throws Exception {
    Options options =
        new Options(
            args.length > 0 ? args[0] : "128m",
            args.length > 1 ? Integer.parseInt(args[1]) : 3,
            args.length > 2 ? Integer.parseInt(args[2]) : 1024,
            args.length > 3 ? Integer.parseInt(args[3]) : 100 * 1024);
    Path kpamJar = Path.of(System.getProperty("kpam.jar", "kpam-app/target/kpam.jar"));
    // The fake API server builds each answer whole (the list, then its bytes): give it room.
    try (Deployment kpam =
        Deployment.start(
            kpamJar,
            "kpam-bench-list",
            List.of("-Xmx2g"),
            List.of("-Xmx" + options.gatewayHeap(), "-XX:NativeMemoryTracking=summary"))) {
      new LargeList(options, kpam).run();
    }
  }

  private void run() throws Exception {
    ChildProcess kube = kpam.kube();
    kube.send("add-configmaps " + options.configMaps() + " " + options.bytesEach());
    kube.awaitLine(Pattern.compile("added " + options.configMaps() + " config maps"), FILL_LIMIT);
    ProxyTarget proxy = kpam.startProxy("large list bench");
    StreamingGet direct =
        new StreamingGet(kpam.kubeUrl(), Deployment.STORED_TOKEN, kpam.kubeCaPem());
    StreamingGet throughKpam = new StreamingGet(proxy.url(), proxy.token(), proxy.caPem());
    ChildProcess gateway = kpam.gateway();
    awaitPath(throughKpam, gateway); // the gateway's tunnel may still be coming up

    StreamingGet.Transfer reference = direct.get(LIST_PATH);
    if (reference.status() != 200) {
      throw new IllegalStateException(
          "GET " + LIST_PATH + " from the fake API server answered " + reference.status());
    }
    System.out.printf(
        "GET %s: %,d bytes (%d config maps of %d bytes)%n",
        LIST_PATH, reference.bytes(), options.configMaps(), options.bytesEach());
    transferLine("direct from the fake API server", reference);

    JvmMemory memory = new JvmMemory(kpam.jdkBin());
    JvmMemory.Sample before = memory.sample(gateway.pid());
    List<StreamingGet.Transfer> transfers = new ArrayList<>();
    HeapSampler.Peaks peaks;
    try (HeapSampler sampler = HeapSampler.start(kpam.jdkBin(), gateway.pid(), SAMPLE_INTERVAL)) {
      for (int i = 1; i <= options.lists(); i++) {
        StreamingGet.Transfer transfer = throughKpam.get(LIST_PATH);
        transfers.add(transfer);
        transferLine("through kpam, list " + i + " of " + options.lists(), transfer);
      }
      peaks = sampler.stop();
    }
    JvmMemory.Sample after = memory.sample(gateway.pid());
    long intact =
        transfers.stream().filter(t -> t.status() == 200 && t.bytes() == reference.bytes()).count();
    print(reference, transfers, intact, before, peaks, after);
    if (intact < transfers.size()) {
      throw new IllegalStateException(
          (transfers.size() - intact)
              + " of "
              + transfers.size()
              + " lists through kpam did not arrive whole\n"
              + gateway.tail());
    }
  }

  /** Waits until a GET through the local proxy answers 200: kubectl would work now. */
  private static void awaitPath(StreamingGet client, ChildProcess gateway) {
    try {
      await()
          .atMost(START_LIMIT)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> client.get(POD_PATH).status() == 200);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(
          "GET " + POD_PATH + " did not answer 200 within " + START_LIMIT + "\n" + gateway.tail(),
          e);
    }
  }

  private static void transferLine(String path, StreamingGet.Transfer transfer) {
    System.out.printf(
        "  %-34s %d, %,d bytes in %5.2f s: %6.1f MB/s%s%n",
        path,
        transfer.status(),
        transfer.bytes(),
        transfer.seconds(),
        transfer.megabytesPerSecond(),
        transfer.status() == 200 ? "" : ": " + transfer.errorBody());
  }

  private void print(
      StreamingGet.Transfer reference,
      List<StreamingGet.Transfer> transfers,
      long intact,
      JvmMemory.Sample before,
      HeapSampler.Peaks peaks,
      JvmMemory.Sample after) {
    String heap = "-Xmx" + options.gatewayHeap();
    System.out.printf(
        "%nOne kpam gateway (java %s -jar kpam.jar gateway) passing a %.1f MB list %d times; the"
            + " fake API server (-Xmx2g), kpam server + relay and one local proxy run in processes"
            + " of their own.%n",
        heap, reference.bytes() / 1e6, transfers.size());
    System.out.printf(
        "intact: %d of %d lists through kpam had the direct list's %,d bytes%n",
        intact, transfers.size(), reference.bytes());
    double best =
        transfers.stream().mapToDouble(StreamingGet.Transfer::megabytesPerSecond).max().orElse(0);
    System.out.printf(
        "throughput: direct %.1f MB/s, through kpam %.1f MB/s (best of %d)%n",
        reference.megabytesPerSecond(), best, transfers.size());
    System.out.printf(
        "%-34s %16s %16s %16s%n",
        "gateway (" + heap + ")", "before, full GC", "during (peak)", "after, full GC");
    row("heap used", before.heapUsed(), peaks.heapUsed(), after.heapUsed());
    row("heap committed", before.heapCommitted(), peaks.heapCommitted(), after.heapCommitted());
    row("RSS", before.rss(), peaks.rss(), after.rss());
    row("direct buffers (NMT \"Other\")", before.direct(), -1, after.direct());
    System.out.printf(
        "during: %d samples of jstat -gc and /proc/PID/status, %d ms apart; GCs: %d young, %d"
            + " full, %d concurrent cycles%n",
        peaks.samples(),
        SAMPLE_INTERVAL.toMillis(),
        peaks.youngGcs(),
        peaks.fullGcs(),
        peaks.concurrentGcs());
  }

  private static void row(String name, long before, long during, long after) {
    System.out.printf(
        "%-34s %12.1f MiB %16s %12.1f MiB%n",
        name, mib(before), during < 0 ? "" : "%.1f MiB".formatted(mib(during)), mib(after));
  }

  private static double mib(long bytes) {
    return bytes / 1048576.0;
  }
}
