package dev.kpam.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kubectl's path as deployed, compared in one run: directly to the API server, through {@code
 * kubectl proxy}, and through kpam with every part in a process of its own started fresh ({@link
 * Deployment}: fake API server, {@code kpam server} with its relay, {@code kpam gateway}, {@code
 * kpam k8s access}). Each round starts a new deployment, warms the fake API server (it stands for a
 * real one, which has no JIT), then measures the three paths in turn: the first {@code kubectl get}
 * with an empty cache (discovery included), {@code wrk} at one connection for the first 5 s (cold)
 * and then for a longer run (warm), {@code wrk} at 32 connections, and for kpam the time {@code
 * kpam k8s access} takes until kubectl can use it and the CPU its processes spend per 1 000
 * requests; then MB/s of a 2 MB and a 100 MB list read whole by {@code curl}. kpam is measured
 * twice per round: a first session on the fresh deployment, then a second {@code kpam k8s access}
 * (a fresh CLI) on the gateway and server the first session warmed. Prints each round and the
 * medians, with ratios to direct. Needs {@code wrk} (Debian package {@code wrk}) and {@code
 * kubectl}; loopback only. With {@code -Dkpam.bench.jfr=DIR} it records a JFR profile of each kpam
 * process during the 32-connection run into DIR.
 *
 * <pre>{@code
 * mvn -q install -DskipTests && mvn -q -pl kpam-bench exec:java -Dexec.mainClass=dev.kpam.bench.DeployedPath -Dexec.args="3 20"
 * }</pre>
 */
public final class DeployedPath {
  private static final Pattern PERCENTILE =
      Pattern.compile("^\\s*(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
  private static final Pattern PROXY_SERVING = Pattern.compile("Starting to serve on (\\S+)");
  private static final String PATH = "/api/v1/namespaces/default/configmaps/bench-0";
  private static final String KPAM = "kpam";
  private static final String KPAM_AGAIN = "kpam 2nd sess.";
  private static final String LIST_2MB = "list-2mb";
  private static final String LIST_100MB = "list-100mb";
  private static final String KUBECTL = "/usr/bin/kubectl";
  static final long CLOCK_TICKS = 100; // USER_HZ on Linux

  private DeployedPath() {}

  /** What one path measured in one round; NaN where it does not apply. */
  record Figures(
      double firstGetMs,
      double coldP50Ms,
      double warmP50Ms,
      double warmP99Ms,
      double rate32,
      double p99At32Ms,
      double warmGetMs,
      double readyMs,
      double list2MbMbps,
      double list100MbMbps,
      Map<String, Double> cpuMsPer1000) {
    Figures withReady(double ms) {
      return new Figures(
          firstGetMs,
          coldP50Ms,
          warmP50Ms,
          warmP99Ms,
          rate32,
          p99At32Ms,
          warmGetMs,
          ms,
          list2MbMbps,
          list100MbMbps,
          cpuMsPer1000);
    }
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int warmSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path kpamJar = Path.of(System.getProperty("kpam.jar", "kpam-app/target/kpam.jar"));
    Map<String, List<Figures>> all = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      try (Deployment kpam = Deployment.start(kpamJar, "kpam-bench-path", List.of(), List.of())) {
        kpam.kube().send("add-configmaps 1 100");
        kpam.kube().awaitLine(Pattern.compile("added 1 config maps"), Duration.ofSeconds(30));
        kpam.kube().send("add-configmaps 20 102400 " + LIST_2MB);
        kpam.kube().awaitLine(Pattern.compile("added 20 config maps"), Duration.ofSeconds(30));
        kpam.kube().send("add-configmaps 1000 102400 " + LIST_100MB);
        kpam.kube().awaitLine(Pattern.compile("added 1000 config maps"), Duration.ofSeconds(60));
        Path dir = Files.createTempDirectory("kpam-bench-kubectl");
        Path direct = directKubeconfig(kpam, dir.resolve("direct"));
        String token = Deployment.STORED_TOKEN;
        // The fake API server stands for a real one, which has no JIT to warm: warm it first.
        wrk(kpam.kubeUrl().toString(), token, 1, 10);
        kubectlGet(direct, Files.createTempDirectory(dir, "warm-up"));

        Map<String, Figures> figures = new LinkedHashMap<>();
        figures.put(
            "direct",
            measure(
                kpam.kubeUrl().toString(),
                token,
                Files.writeString(dir.resolve("kube-ca.pem"), kpam.kubeCaPem()),
                direct,
                dir,
                warmSeconds,
                null,
                null));
        Process proxy =
            new ProcessBuilder(KUBECTL, "proxy", "--port=0", "--kubeconfig", direct.toString())
                .redirectErrorStream(true)
                .start();
        try {
          String address = proxyAddress(proxy);
          Path viaProxy = dir.resolve("proxy");
          Files.writeString(viaProxy, kubeconfig("http://" + address, null, null));
          figures.put(
              "kubectl proxy",
              measure("http://" + address, null, null, viaProxy, dir, warmSeconds, null, null));
        } finally {
          proxy.destroy();
          proxy.waitFor(10, TimeUnit.SECONDS);
        }
        // A fresh deployment, then a second session on the gateway and server the first warmed:
        // what a user meets on a gateway that has been up for a while.
        for (String path : List.of(KPAM, KPAM_AGAIN)) {
          ProxyTarget local = kpam.startProxy("bench round " + round + ", " + path);
          double ready = kpam.lastProxyStart().toNanos() / 1e6;
          Figures measured =
              measure(
                  local.url().toString(),
                  local.token(),
                  Files.writeString(Files.createTempFile(dir, "local-ca", ".pem"), local.caPem()),
                  local.kubeconfig(),
                  dir,
                  warmSeconds,
                  kpam.kpamProcesses(),
                  kpam.jdkBin());
          figures.put(path, measured.withReady(ready));
        }
        System.out.printf("%nround %d of %d%n", round, rounds);
        print(figures);
        figures.forEach((path, f) -> all.computeIfAbsent(path, p -> new ArrayList<>()).add(f));
      }
    }
    System.out.printf("%nmedians of %d rounds%n", rounds);
    Map<String, Figures> medians = new LinkedHashMap<>();
    all.forEach((path, list) -> medians.put(path, median(list)));
    print(medians);
    System.out.printf(
        "%n(first get: kubectl get configmap with an empty cache, discovery included; cold: wrk -c1"
            + " for the first 5 s after it; warm: wrk -c1 for %d s after that; 32 conn: wrk -c32 -t2"
            + " for 10 s; warm get: median wall time of 5 kubectl get with a warm cache; ready: kpam"
            + " k8s access started until its proxy listens; CPU: ms per 1 000 requests of the"
            + " 32-connection run, per kpam process; 2 MB and 100 MB: MB/s of a list of 20 or 1000"
            + " config maps of 100 KiB read whole by curl, median of 5 or 2)%n",
        warmSeconds);
  }

  private static Figures measure(
      String url,
      String token,
      Path caPem,
      Path kubeconfig,
      Path dir,
      int warmSeconds,
      List<ChildProcess> cpu,
      Path jdkBin)
      throws Exception {
    double first = kubectlGet(kubeconfig, Files.createTempDirectory(dir, "cache"));
    Wrk cold = wrk(url, token, 1, 5);
    Wrk warm = wrk(url, token, 1, warmSeconds);
    String jfr = System.getProperty("kpam.bench.jfr");
    if (jfr != null && cpu != null) {
      for (ChildProcess process : cpu) {
        jcmd(jdkBin, process, "JFR.start", "name=bench", "settings=profile");
      }
    }
    Map<String, Long> before = cpuTicks(cpu);
    Wrk loaded = wrk(url, token, 32, 10);
    Map<String, Long> after = cpuTicks(cpu);
    if (jfr != null && cpu != null) {
      Files.createDirectories(Path.of(jfr));
      for (ChildProcess process : cpu) {
        Path file = Path.of(jfr, process.name().replace(' ', '-') + ".jfr").toAbsolutePath();
        jcmd(jdkBin, process, "JFR.stop", "name=bench", "filename=" + file);
      }
    }
    Map<String, Double> perThousand = new LinkedHashMap<>();
    before.forEach(
        (name, ticks) ->
            perThousand.put(
                name,
                (after.get(name) - ticks) * 1000.0 / CLOCK_TICKS * 1000.0 / loaded.requests()));
    Path cache = Files.createTempDirectory(dir, "warm-cache");
    kubectlGet(kubeconfig, cache);
    double[] gets = new double[5];
    for (int i = 0; i < gets.length; i++) {
      gets[i] = kubectlGet(kubeconfig, cache);
    }
    double[] small = new double[5];
    for (int i = 0; i < small.length; i++) {
      small[i] = listMbps(url, token, caPem, LIST_2MB);
    }
    double[] large = new double[2];
    for (int i = 0; i < large.length; i++) {
      large[i] = listMbps(url, token, caPem, LIST_100MB);
    }
    return new Figures(
        first,
        cold.p50Ms(),
        warm.p50Ms(),
        warm.p99Ms(),
        loaded.rate(),
        loaded.p99Ms(),
        median(gets),
        Double.NaN,
        median(small),
        median(large),
        perThousand);
  }

  /**
   * MB/s of one list of the config maps of {@code namespace}, read whole by {@code curl} and
   * dropped; {@code caPem} null for plain HTTP.
   */
  private static double listMbps(String url, String token, Path caPem, String namespace)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-sS",
                "--fail",
                "-o",
                "/dev/null",
                "-w",
                "%{size_download} %{time_total}"));
    if (caPem != null) {
      command.addAll(List.of("--cacert", caPem.toString()));
    }
    if (token != null) {
      command.addAll(List.of("-H", "Authorization: Bearer " + token));
    }
    command.add(url + "/api/v1/namespaces/" + namespace + "/configmaps");
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!curl.waitFor(120, TimeUnit.SECONDS) || curl.exitValue() != 0) {
      throw new IllegalStateException("curl of " + namespace + " failed: " + out);
    }
    String[] sizeAndTime = out.split(" ");
    return Double.parseDouble(sizeAndTime[0]) / 1e6 / Double.parseDouble(sizeAndTime[1]);
  }

  static void jcmd(Path jdkBin, ChildProcess process, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(jdkBin.resolve("jcmd").toString(), Long.toString(process.pid())));
    command.addAll(List.of(args));
    Process jcmd = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + String.join(" ", args) + " failed: " + out);
    }
  }

  record Wrk(double p50Ms, double p99Ms, double rate, long requests) {}

  static Wrk wrk(String url, String token, int connections, int seconds)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("wrk", "--latency"));
    command.addAll(
        List.of(
            "-t",
            Integer.toString(Math.min(connections, 2)),
            "-c",
            Integer.toString(connections),
            "-d",
            seconds + "s"));
    if (token != null) {
      command.addAll(List.of("-H", "Authorization: Bearer " + token));
    }
    command.add(url + PATH);
    Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!wrk.waitFor(seconds + 30L, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    if (out.contains("Non-2xx")) {
      throw new IllegalStateException("wrk got errors from " + url + ": " + out);
    }
    double p50 = Double.NaN;
    double p99 = Double.NaN;
    Matcher m = PERCENTILE.matcher(out);
    while (m.find()) {
      double value = Double.parseDouble(m.group(2));
      double ms =
          switch (m.group(3)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
          };
      if (m.group(1).equals("50")) p50 = ms;
      else p99 = ms;
    }
    Matcher rate = RATE.matcher(out);
    Matcher total = TOTAL.matcher(out);
    if (!rate.find() || !total.find()) {
      throw new IllegalStateException("cannot read wrk's output: " + out);
    }
    return new Wrk(p50, p99, Double.parseDouble(rate.group(1)), Long.parseLong(total.group(1)));
  }

  /** Wall time of one {@code kubectl get configmap} with this cache directory. */
  static double kubectlGet(Path kubeconfig, Path cache) throws IOException, InterruptedException {
    long started = System.nanoTime();
    Process get =
        new ProcessBuilder(
                KUBECTL,
                "--kubeconfig",
                kubeconfig.toString(),
                "--cache-dir",
                cache.toString(),
                "get",
                "configmap",
                "bench-0",
                "-n",
                "default")
            .redirectErrorStream(true)
            .start();
    String out = new String(get.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!get.waitFor(60, TimeUnit.SECONDS) || get.exitValue() != 0) {
      throw new IllegalStateException("kubectl get failed: " + out);
    }
    return (System.nanoTime() - started) / 1e6;
  }

  static Map<String, Long> cpuTicks(List<ChildProcess> processes) throws IOException {
    Map<String, Long> ticks = new LinkedHashMap<>();
    if (processes == null) {
      return ticks;
    }
    for (ChildProcess process : processes) {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // The fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      ticks.put(process.name(), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
    }
    return ticks;
  }

  private static String proxyAddress(Process proxy) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = proxy.getInputStream().read(); c >= 0; c = proxy.getInputStream().read()) {
      if (c == '\n') {
        Matcher m = PROXY_SERVING.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
        line.setLength(0);
      } else {
        line.append((char) c);
      }
    }
    throw new IllegalStateException("kubectl proxy ended: " + line);
  }

  private static Path directKubeconfig(Deployment kpam, Path file) throws IOException {
    String ca =
        Base64.getEncoder().encodeToString(kpam.kubeCaPem().getBytes(StandardCharsets.US_ASCII));
    Files.writeString(file, kubeconfig(kpam.kubeUrl().toString(), ca, Deployment.STORED_TOKEN));
    return file;
  }

  private static String kubeconfig(String server, String caData, String token) {
    return "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: "
        + server
        + "\n"
        + (caData == null ? "" : "    certificate-authority-data: " + caData + "\n")
        + "contexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\n"
        + "users:\n- name: u\n  user:\n"
        + (token == null ? "    {}\n" : "    token: " + token + "\n");
  }

  private static void print(Map<String, Figures> figures) {
    Figures direct = figures.get("direct");
    System.out.printf(
        "%-14s %16s %16s %16s %10s %14s %12s %16s %10s %14s %14s%n",
        "path",
        "first get ms",
        "cold p50 ms",
        "warm p50 ms",
        "p99 ms",
        "req/s 32c",
        "p99 32c",
        "warm get ms",
        "ready ms",
        "2 MB MB/s",
        "100 MB MB/s");
    figures.forEach(
        (path, f) ->
            System.out.printf(
                "%-14s %16s %16s %16s %10.2f %14s %12.1f %16s %10s %14s %14s%n",
                path,
                ratio(f.firstGetMs(), direct.firstGetMs(), "%.0f"),
                ratio(f.coldP50Ms(), direct.coldP50Ms(), "%.2f"),
                ratio(f.warmP50Ms(), direct.warmP50Ms(), "%.2f"),
                f.warmP99Ms(),
                ratio(f.rate32(), direct.rate32(), "%.0f"),
                f.p99At32Ms(),
                ratio(f.warmGetMs(), direct.warmGetMs(), "%.0f"),
                Double.isNaN(f.readyMs()) ? "-" : String.format(Locale.ROOT, "%.0f", f.readyMs()),
                ratio(f.list2MbMbps(), direct.list2MbMbps(), "%.0f"),
                ratio(f.list100MbMbps(), direct.list100MbMbps(), "%.0f")));
    figures.forEach(
        (path, f) -> {
          if (!f.cpuMsPer1000().isEmpty()) {
            StringBuilder cpu = new StringBuilder(path + ", CPU ms per 1 000 requests at 32c:");
            f.cpuMsPer1000()
                .forEach(
                    (name, ms) -> cpu.append(String.format(Locale.ROOT, " %s %.0f;", name, ms)));
            System.out.println(cpu);
          }
        });
  }

  /** "12.3 (×1.8)": the value and its ratio to direct's. */
  private static String ratio(double value, double direct, String format) {
    String text = String.format(Locale.ROOT, format, value);
    if (direct == value || Double.isNaN(direct)) {
      return text;
    }
    return text + String.format(Locale.ROOT, " (×%.2f)", value / direct);
  }

  private static Figures median(List<Figures> list) {
    // Each round's processes have the same names ("kpam gateway", "kpam k8s access 0").
    Map<String, Double> cpu = new LinkedHashMap<>();
    for (String name : list.get(0).cpuMsPer1000().keySet()) {
      cpu.put(name, median(list.stream().mapToDouble(f -> f.cpuMsPer1000().get(name)).toArray()));
    }
    return new Figures(
        median(list.stream().mapToDouble(Figures::firstGetMs).toArray()),
        median(list.stream().mapToDouble(Figures::coldP50Ms).toArray()),
        median(list.stream().mapToDouble(Figures::warmP50Ms).toArray()),
        median(list.stream().mapToDouble(Figures::warmP99Ms).toArray()),
        median(list.stream().mapToDouble(Figures::rate32).toArray()),
        median(list.stream().mapToDouble(Figures::p99At32Ms).toArray()),
        median(list.stream().mapToDouble(Figures::warmGetMs).toArray()),
        median(list.stream().mapToDouble(Figures::readyMs).toArray()),
        median(list.stream().mapToDouble(Figures::list2MbMbps).toArray()),
        median(list.stream().mapToDouble(Figures::list100MbMbps).toArray()),
        cpu);
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
