package dev.kpam.bench;

import static org.awaitility.Awaitility.await;

import dev.kpam.bench.WatchClients.Answer;
import dev.kpam.bench.WatchClients.Opening;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final String POD_PATH = "/api/v1/namespaces/default/pods/web";
  private static final String MARKER_POD = "bench-marker";
  private static final int IN_FLIGHT = 100;

  private static final Duration START_LIMIT = Duration.ofMinutes(2);
  private static final Duration OPEN_LIMIT = Duration.ofMinutes(10);
  private static final Duration DELIVERY_LIMIT = Duration.ofMinutes(2);

  /** Descriptors a process needs besides one per watch: jars, event loops, listeners, logs. */
  private static final int DESCRIPTOR_HEADROOM = 2000;

  /** What {@code ulimit -Hn unlimited} is taken for. */
  private static final int UNLIMITED_FILES = 1 << 20;

  private final int watches;
  private final int proxies;
  private final Deployment kpam;

  private IdleWatches(int watches, int proxies, Deployment kpam) {
    this.watches = watches;
    this.proxies = proxies;
    this.kpam = kpam;
  }

  public static void main(String[] args) throws Exception {
    int watches = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path kpamJar = Path.of(System.getProperty("kpam.jar", "kpam-app/target/kpam.jar"));
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
    // The measured process: as an operator starts it, with native memory tracking on.
    try (Deployment kpam =
        Deployment.start(
            kpamJar,
            "kpam-bench-watches",
            List.of(),
            List.of("-Xmx1g", "-XX:NativeMemoryTracking=summary"))) {
      new IdleWatches(watches, proxies, kpam).run();
    }
  }

  private void run() throws Exception {
    List<ProxyTarget> targets = new ArrayList<>();
    for (int i = 0; i < proxies; i++) {
      targets.add(kpam.startProxy("idle watch bench"));
    }
    ChildProcess gateway = kpam.gateway();
    JvmMemory memory = new JvmMemory(kpam.jdkBin());
    try (WatchClients clients = new WatchClients(System.out)) {
      for (ProxyTarget target : targets) {
        awaitPath(clients, target, gateway); // the gateway's tunnel may still be coming up
      }
      JvmMemory.Sample idle = memory.sample(gateway.pid());
      int idleSockets = sockets(gateway.pid());
      System.out.printf(
          "opening %d watches through %d local proxies, %d at a time%n",
          watches, proxies, IN_FLIGHT);
      Opening opening = clients.open(targets, watches, IN_FLIGHT, OPEN_LIMIT);
      JvmMemory.Sample held = memory.sample(gateway.pid());
      int heldSockets = sockets(gateway.pid());
      Answer fresh = clients.get(targets.get(0), POD_PATH).get(1, TimeUnit.MINUTES);
      List<String> histogram = memory.histogram(gateway.pid(), 12);
      int open = clients.open();
      int delivered =
          clients.deliver(
              MARKER_POD, () -> kpam.kube().send("add-pod " + MARKER_POD), DELIVERY_LIMIT);
      print(idle, held, opening, open, delivered, clients.closedAfterOpening(), fresh, histogram);
      System.out.printf(
          "gateway sockets: %d with no watch, %d with %d watches (the tunnels to the relay and the"
              + " connections to the API server)%n",
          idleSockets, heldSockets, opening.opened());
      if (opening.failed() > 0 || delivered < watches || fresh.status() != 200) {
        throw new IllegalStateException(
            "the gateway did not hold " + watches + " live watches\n" + gateway.tail());
      }
    }
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

  private static double mib(long bytes) {
    return bytes / 1048576.0;
  }

  /** How many sockets process {@code pid} has open. */
  private static int sockets(long pid) throws IOException {
    try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return (int)
          fds.filter(
                  fd -> {
                    try {
                      return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                    } catch (IOException e) {
                      return false; // closed meanwhile
                    }
                  })
              .count();
    }
  }

  /** The hard limit of open files per process ({@code ulimit -Hn}); the JVM raises to it. */
  private static int openFileLimit() throws IOException {
    Matcher limit =
        Pattern.compile("Max open files\\s+\\S+\\s+(\\d+)")
            .matcher(Files.readString(Path.of("/proc/self/limits")));
    return limit.find() ? Integer.parseInt(limit.group(1)) : UNLIMITED_FILES;
  }
}
