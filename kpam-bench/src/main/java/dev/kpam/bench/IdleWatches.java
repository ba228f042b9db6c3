package dev.kpam.bench;

import static org.awaitility.Awaitility.await;

import dev.kpam.bench.WatchClients.Answer;
import dev.kpam.bench.WatchClients.Opening;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Memory of one gateway holding N idle watch streams (default 10 000). Every part runs in a process
 * of its own, as in production and so that none needs more file descriptors than a process may
 * have: the fake API server, {@code kpam server} with its embedded relay, the measured {@code kpam
 * gateway} ({@code -Xmx1g}), and two or more {@code kpam k8s access} local proxies. This program
 * opens the watches through the proxies with Netty, waits until each has its first event, and
 * samples the gateway after a full GC with none and with all of them open. It then checks that a
 * fresh GET still passes and that a new pod reaches every watch.
 *
 * <pre>{@code
 * mvn -q -o install -DskipTests
 * mvn -pl kpam-bench exec:java -Dexec.mainClass=dev.kpam.bench.IdleWatches -Dexec.args=10000
 * }</pre>
 */
public final class IdleWatches {
  private static final String ADMIN_PASSWORD = "bench-admin-password-4e1b7c";
  private static final String STORED_TOKEN = "bench-stored-sa-token-8d3f0a";
  private static final String POD_PATH = "/api/v1/namespaces/default/pods/web";
  private static final String MARKER_POD = "bench-marker";
  private static final int IN_FLIGHT = 100;

  private static final Pattern KUBE_LISTENING =
      Pattern.compile("fake API server listening on (\\S+)");
  private static final Pattern SERVER_LISTENING =
      Pattern.compile("kpam server listening on ([^\\s,]+)");

  private static final Duration START_LIMIT = Duration.ofMinutes(2);
  private static final Duration OPEN_LIMIT = Duration.ofMinutes(10);
  private static final Duration DELIVERY_LIMIT = Duration.ofMinutes(2);

  /** Descriptors a process needs besides one per watch: jars, event loops, listeners, logs. */
  private static final int DESCRIPTOR_HEADROOM = 2000;

  /** What {@code ulimit -Hn unlimited} is taken for. */
  private static final int UNLIMITED_FILES = 1 << 20;

  private final int watches;
  private final int proxies;
  private final Path kpamJar;
  private final Path jdkBin;
  private final String classpath;
  private final Path dir;
  private final List<ChildProcess> processes = new ArrayList<>();

  private IdleWatches(
      int watches, int proxies, Path kpamJar, Path jdkBin, String classpath, Path dir) {
    this.watches = watches;
    this.proxies = proxies;
    this.kpamJar = kpamJar;
    this.jdkBin = jdkBin;
    this.classpath = classpath;
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    int watches = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path kpamJar = Path.of(System.getProperty("kpam.jar", "kpam-app/target/kpam.jar"));
    if (!Files.isRegularFile(kpamJar)) {
      throw new IllegalStateException(
          "no " + kpamJar.toAbsolutePath() + "; build it first: mvn -q -o install -DskipTests");
    }
    // The relay, the gateway and the fake API server each hold one connection per watch; a local
    // proxy holds two: the accepted one and its dial to the relay.
    int limit = openFileLimit();
    int perProcess = limit - DESCRIPTOR_HEADROOM;
    if (watches < 1 || watches > perProcess) {
      throw new IllegalArgumentException(
          "watches: %d (expected: 1..%d; a process may open %d files here)"
              .formatted(watches, perProcess, limit));
    }
    int proxies = Math.max(2, (2 * watches + perProcess - 1) / perProcess);
    Path dir = Files.createTempDirectory("kpam-bench-watches");
    IdleWatches bench =
        new IdleWatches(
            watches,
            proxies,
            kpamJar.toAbsolutePath(),
            Path.of(System.getProperty("java.home"), "bin"),
            classpath(),
            dir);
    Thread onExit = new Thread(bench::stopAll, "kpam-bench-stop");
    Runtime.getRuntime().addShutdownHook(onExit);
    try {
      bench.run();
    } finally {
      bench.stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(onExit);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook stops the processes (again: closing is idempotent).
      }
      delete(dir);
    }
  }

  private void run() throws Exception {
    ChildProcess kube = startFakeApiServer();
    String kubeUrl = kube.awaitLine(KUBE_LISTENING, START_LIMIT).group(1);
    ChildProcess server = startServer();
    URI serverUrl = URI.create(server.awaitLine(SERVER_LISTENING, START_LIMIT).group(1));
    String enrollToken = addGatewayAndResource(serverUrl, kubeUrl);
    ChildProcess gateway = startGateway(serverUrl, enrollToken);
    gateway.awaitLine(Pattern.compile("gateway \\S+ running"), START_LIMIT);
    List<ProxyTarget> targets = new ArrayList<>();
    for (int i = 0; i < proxies; i++) {
      targets.add(startProxy(i, serverUrl));
    }
    JvmMemory memory = new JvmMemory(jdkBin);
    try (WatchClients clients = new WatchClients(System.out)) {
      for (ProxyTarget target : targets) {
        awaitPath(clients, target, gateway); // the gateway's tunnel may still be coming up
      }
      JvmMemory.Sample idle = memory.sample(gateway.pid());
      System.out.printf(
          "opening %d watches through %d local proxies, %d at a time%n",
          watches, proxies, IN_FLIGHT);
      Opening opening = clients.open(targets, watches, IN_FLIGHT, OPEN_LIMIT);
      JvmMemory.Sample held = memory.sample(gateway.pid());
      Answer fresh = clients.get(targets.get(0), POD_PATH).get(1, TimeUnit.MINUTES);
      List<String> histogram = memory.histogram(gateway.pid(), 12);
      int open = clients.open();
      int delivered =
          clients.deliver(MARKER_POD, () -> kube.send("add-pod " + MARKER_POD), DELIVERY_LIMIT);
      print(idle, held, opening, open, delivered, clients.closedAfterOpening(), fresh, histogram);
      if (opening.failed() > 0 || delivered < watches || fresh.status() != 200) {
        throw new IllegalStateException(
            "the gateway did not hold " + watches + " live watches\n" + gateway.tail());
      }
    }
  }

  private ChildProcess startFakeApiServer() {
    String main = FakeApiServerProcess.class.getName();
    return start(
        "fake API server",
        List.of(java(), "-cp", classpath, main, STORED_TOKEN, dir.toString()),
        Map.of());
  }

  private ChildProcess startServer() {
    return start(
        "kpam server",
        kpam(
            List.of(),
            "server",
            "--data-dir",
            dir.resolve("server").toString(),
            "--bind",
            "127.0.0.1",
            "--http-port",
            "0",
            "--relay-port",
            "0"),
        Map.of("KPAM_BOOTSTRAP_PASSWORD", ADMIN_PASSWORD));
  }

  /** Adds the gateway {@code dc1}, the resource {@code prod} and its account; the enroll token. */
  private String addGatewayAndResource(URI serverUrl, String kubeUrl) throws Exception {
    AdminApi admin = AdminApi.login(serverUrl, ADMIN_PASSWORD);
    String enrollToken =
        admin.post("/api/v1/gateways", Map.of("name", "dc1")).get("enrollToken").asText();
    String ca = Files.readString(dir.resolve("ca.pem"));
    admin.post(
        "/api/v1/resources",
        Map.of("name", "prod", "url", kubeUrl, "gateway", "dc1", "caCert", ca));
    admin.post("/api/v1/resources/prod/accounts", Map.of("name", "admin", "token", STORED_TOKEN));
    return enrollToken;
  }

  /** The measured process: as an operator starts it, with native memory tracking on. */
  private ChildProcess startGateway(URI serverUrl, String enrollToken) {
    return start(
        "kpam gateway",
        kpam(
            List.of("-Xmx1g", "-XX:NativeMemoryTracking=summary"),
            "gateway",
            "--server",
            serverUrl.toString(),
            "--name",
            "dc1",
            "--data-dir",
            dir.resolve("gateway").toString()),
        Map.of("KPAM_ENROLL_TOKEN", enrollToken));
  }

  /** Logs in with a config dir of its own and starts {@code kpam k8s access}; its kubeconfig. */
  private ProxyTarget startProxy(int index, URI serverUrl) throws IOException {
    Path configDir = dir.resolve("cli-" + index);
    Map<String, String> env = Map.of("KPAM_CONFIG_DIR", configDir.toString());
    ChildProcess login =
        start(
            "kpam login " + index,
            kpam(
                List.of(),
                "login",
                "--server",
                serverUrl.toString(),
                "--user",
                "admin",
                "--password-stdin"),
            env);
    login.send(ADMIN_PASSWORD);
    login.endInput();
    login.awaitSuccess(START_LIMIT);
    Path kubeconfig = configDir.resolve("kubeconfig");
    ChildProcess access =
        start(
            "kpam k8s access " + index,
            kpam(
                List.of(),
                "k8s",
                "access",
                "--resource",
                "prod",
                "--account",
                "admin",
                "--duration",
                "1h",
                "--reason",
                "idle watch bench",
                "--kubeconfig-out",
                kubeconfig.toString()),
            env);
    access.awaitLine(Pattern.compile("Local proxy: https://\\S+"), START_LIMIT);
    return ProxyTarget.fromKubeconfig(kubeconfig);
  }

  /** Waits until a GET through {@code target} answers 200: kubectl would work now. */
  private static void awaitPath(WatchClients clients, ProxyTarget target, ChildProcess gateway) {
    try {
      await()
          .atMost(START_LIMIT)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> clients.get(target, POD_PATH).get(1, TimeUnit.MINUTES).status() == 200);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(
          "GET " + POD_PATH + " did not answer 200 within " + START_LIMIT + "\n" + gateway.tail(),
          e);
    }
  }

  private void print(
      JvmMemory.Sample idle,
      JvmMemory.Sample held,
      Opening opening,
      int open,
      int delivered,
      int closed,
      Answer fresh,
      List<String> histogram) {
    int n = opening.opened();
    System.out.printf(
        "%nOne kpam gateway (java -Xmx1g -jar kpam.jar gateway) holding idle watches; the fake API"
            + " server, kpam server + relay and %d local proxies run in processes of their own.%n",
        proxies);
    System.out.printf(
        "%-46s %12s %14s %10s%n", "gateway", "0 watches", n + " watches", "per watch");
    row("heap used after a full GC", idle.heapUsed(), held.heapUsed(), n);
    row("heap committed (of -Xmx1g)", idle.heapCommitted(), held.heapCommitted(), -1);
    row("RSS", idle.rss(), held.rss(), n);
    row("  Java heap", idle.heapResident(), held.heapResident(), n);
    row("  direct buffers (NMT \"Other\")", idle.direct(), held.direct(), n);
    row("  the rest: JVM, native libraries (BoringSSL)", rest(idle), rest(held), n);
    System.out.printf(
        "opened %d of %d watches in %.1f s (%d at a time over %d local proxies)%n",
        n, watches, opening.seconds(), IN_FLIGHT, proxies);
    opening
        .failures()
        .forEach((reason, times) -> System.out.printf("  failed %6d: %s%n", times, reason));
    System.out.printf(
        "a fresh GET of a pod while they are open: %d in %.1f ms%s%n",
        fresh.status(), fresh.millis(), fresh.status() == 200 ? "" : ": " + fresh.body());
    System.out.printf(
        "a new pod's ADDED event reached %d of %d open watches (%d closed after opening)%n",
        delivered, open, closed);
    System.out.printf("top of the gateway's class histogram with %d watches open:%n", open);
    histogram.forEach(line -> System.out.println("  " + line));
  }

  private static long rest(JvmMemory.Sample sample) {
    return sample.rss() - sample.heapResident() - sample.direct();
  }

  private static void row(String name, long idle, long held, int watches) {
    System.out.printf(
        "%-46s %8.1f MiB %10.1f MiB %10s%n",
        name,
        mib(idle),
        mib(held),
        watches > 0 ? "%.1f KiB".formatted((held - idle) / 1024.0 / watches) : "");
  }

  private ChildProcess start(String name, List<String> command, Map<String, String> env) {
    ChildProcess process =
        ChildProcess.start(name, command, env, dir.resolve(name.replace(' ', '-') + ".log"));
    synchronized (processes) {
      processes.add(process);
    }
    return process;
  }

  /** Stops every process, last started first: the local proxies end their sessions first. */
  private void stopAll() {
    List<ChildProcess> started;
    synchronized (processes) {
      started = new ArrayList<>(processes);
    }
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  private List<String> kpam(List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(kpamJar.toString());
    command.addAll(List.of(args));
    return command;
  }

  private String java() {
    return jdkBin.resolve("java").toString();
  }

  private static double mib(long bytes) {
    return bytes / 1048576.0;
  }

  /** The classpath this program runs with; exec:java loads it in a URLClassLoader of its own. */
  private static String classpath() throws URISyntaxException {
    if (IdleWatches.class.getClassLoader() instanceof URLClassLoader loader) {
      List<String> entries = new ArrayList<>();
      for (URL url : loader.getURLs()) {
        entries.add(Path.of(url.toURI()).toString());
      }
      return String.join(File.pathSeparator, entries);
    }
    return System.getProperty("java.class.path");
  }

  /** The hard limit of open files per process ({@code ulimit -Hn}); the JVM raises to it. */
  private static int openFileLimit() throws IOException {
    Matcher limit =
        Pattern.compile("Max open files\\s+\\S+\\s+(\\d+)")
            .matcher(Files.readString(Path.of("/proc/self/limits")));
    return limit.find() ? Integer.parseInt(limit.group(1)) : UNLIMITED_FILES;
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }
}
