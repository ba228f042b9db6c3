package dev.kpam.bench;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.it.access.KpamWorld;
import dev.kpam.it.access.KubeconfigEntry;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Latency and throughput of one API server reached three ways: directly, through kpam (local proxy
 * → relay → gateway, three encrypted hops) and through {@code kubectl proxy} (one plaintext hop).
 * Prints p50/p99 of a small GET and MB/s of a large list. Loopback only; bounded in count.
 *
 * <pre>{@code
 * mvn -q install -DskipTests && mvn -q -pl kpam-bench exec:java
 * }</pre>
 */
public final class PathLatency {
  private static final int WARMUP = 200;
  private static final int SAMPLES = 2000;
  private static final int LIST_WARMUP = 40;
  private static final int LIST_ROUNDS = 40;
  private static final int CONFIGMAPS = 2000;

  private PathLatency() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("kpam-bench");
    try (KpamWorld world = KpamWorld.start(dir)) {
      for (int i = 0; i < CONFIGMAPS; i++) {
        world.kube.addConfigMap("default", "bulk-" + i, Map.of("payload", "x".repeat(1000)));
      }
      Path kubeconfig = dir.resolve("kpam-kubeconfig");
      AccessSession access = world.access("1h", kubeconfig);
      Target kpam = Target.fromKubeconfig("kpam", kubeconfig);
      Path direct = dir.resolve("direct-kubeconfig");
      world.kube.writeKubeconfig(direct, KpamWorld.STORED_TOKEN);
      Target straight = Target.fromKubeconfig("direct", direct);
      Path proxyLog = dir.resolve("kubectl-proxy.log");
      Process proxy = startKubectlProxy(direct, proxyLog);
      try {
        Target kubectlProxy =
            new Target(
                "kubectl proxy",
                readProxyUrl(proxy, proxyLog),
                null,
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
        System.out.printf(
            "%-14s %10s %10s %12s %16s%n",
            "path", "p50 (ms)", "p99 (ms)", "list (MB/s)", "CPU/list (ms)");
        for (Target target : List.of(straight, kubectlProxy, kpam)) {
          double[] latency = latencies(target);
          double[] list = listThroughput(target, proxy);
          System.out.printf(
              "%-14s %10.3f %10.3f %12.1f %16.1f%n",
              target.name, percentile(latency, 50), percentile(latency, 99), list[0], list[1]);
        }
        System.out.printf(
            "(%d sequential GETs of one pod after %d warm-up; %d lists of %d configmaps, ~%.1f MB each,"
                + " after %d warm-up;"
                + " CPU of all processes, kpam and the fake API server share one)%n",
            SAMPLES, WARMUP, LIST_ROUNDS, CONFIGMAPS, CONFIGMAPS * 1.1 / 1024, LIST_WARMUP);
      } finally {
        proxy.destroy();
        proxy.waitFor(10, TimeUnit.SECONDS);
        access.close();
      }
    }
  }

  private static double[] latencies(Target target) throws Exception {
    URI pod = target.base.resolve("/api/v1/namespaces/default/pods/web");
    for (int i = 0; i < WARMUP; i++) {
      target.get(pod);
    }
    double[] millis = new double[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      long start = System.nanoTime();
      target.get(pod);
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(millis);
    return millis;
  }

  private static double[] listThroughput(Target target, Process proxy) throws Exception {
    URI list = target.base.resolve("/api/v1/namespaces/default/configmaps");
    for (int i = 0; i < LIST_WARMUP; i++) {
      target.get(list); // the JIT needs these: a cold path streams at a third of its speed
    }
    long bytes = 0;
    long cpuStart = cpuNanos(proxy);
    long start = System.nanoTime();
    for (int i = 0; i < LIST_ROUNDS; i++) {
      bytes += target.get(list);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuMillis = (cpuNanos(proxy) - cpuStart) / 1e6 / LIST_ROUNDS;
    return new double[] {bytes / 1e6 / seconds, cpuMillis};
  }

  /** CPU time of this process (all parts of kpam and the fake API server) and kubectl proxy. */
  private static long cpuNanos(Process proxy) {
    long own =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    long other = proxy.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    return own + other;
  }

  private static double percentile(double[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static Process startKubectlProxy(Path kubeconfig, Path log) throws Exception {
    return new ProcessBuilder("kubectl", "--kubeconfig=" + kubeconfig, "proxy", "--port=0")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** kubectl proxy prints where it listens; its log also keeps any proxy errors for a reader. */
  private static URI readProxyUrl(Process proxy, Path log) throws Exception {
    Pattern serving = Pattern.compile("Starting to serve on (\\S+)");
    for (int i = 0; i < 300 && proxy.isAlive(); i++) {
      Matcher matcher = serving.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (matcher.find()) {
        return URI.create("http://" + matcher.group(1));
      }
      proxy.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException("kubectl proxy did not start: " + Files.readString(log));
  }

  /** One way to the API server: a base URL, a bearer token (or none), a client that trusts it. */
  private record Target(String name, URI base, String token, HttpClient http) {
    static Target fromKubeconfig(String name, Path kubeconfig) throws Exception {
      KubeconfigEntry entry = KubeconfigEntry.read(kubeconfig);
      return new Target(name, entry.server(), entry.token(), entry.httpClient());
    }

    /** GETs and reads the whole answer; returns its size in bytes. */
    long get(URI uri) throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri).header("Accept", "application/json");
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            name + " answered " + response.statusCode() + " for " + uri);
      }
      return response.body().length;
    }
  }
}
