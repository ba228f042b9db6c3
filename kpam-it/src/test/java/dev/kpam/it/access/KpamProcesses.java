package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The processes of a deployment on loopback, each {@code kpam.jar} (or HAProxy) in a process of its
 * own with its output in {@code dir/NAME.log}: started, waited for by their readiness probe, killed
 * with SIGKILL, scraped, and stopped at the end.
 *
 * <pre>{@code
 * try (KpamProcesses processes = new KpamProcesses(dir)) {
 *   processes.start("relay", Map.of(), "relay", "--metrics-address", "127.0.0.1:" + port, ...);
 *   processes.awaitReady("relay", port);
 *   processes.kill("relay");
 * }
 * }</pre>
 */
final class KpamProcesses implements AutoCloseable {
  private final Path dir;
  private final Map<String, Process> running = new LinkedHashMap<>();
  private final List<Process> owned = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  KpamProcesses(Path dir) {
    this.dir = dir;
  }

  /** Starts {@code kpam ARGS} as {@code name} with {@code env} on top of the test's environment. */
  Process start(String name, Map<String, String> env, String... args) throws IOException {
    ProcessBuilder builder = KpamProcess.builder(dir, dir.resolve(name + "-config"), args);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()));
    Process process = builder.start();
    running.put(name, process);
    return process;
  }

  /** Stops {@code process} with the others at the end. */
  void own(Process process) {
    owned.add(process);
  }

  private Path log(String name) {
    return dir.resolve(name + ".log");
  }

  /** Waits until {@code name} answers its readiness probe on {@code metricsPort}. */
  void awaitReady(String name, int metricsPort) {
    Process process = running.get(name);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> ready(metricsPort) || !process.isAlive());
    if (!process.isAlive()) {
      throw new AssertionError(name + " exited: " + output(name));
    }
  }

  /** Whether {@code GET /readyz} on {@code metricsPort} answers 200. */
  boolean ready(int metricsPort) {
    try {
      return get(metricsPort, "/readyz").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The sum of the Prometheus samples of {@code series} ({@code name} or {@code
   * name{label="value",...}}: those samples whose labels include these) scraped from {@code port}.
   */
  double metric(int metricsPort, String series) {
    int brace = series.indexOf('{');
    String name = brace < 0 ? series : series.substring(0, brace);
    List<String> labels =
        brace < 0
            ? List.of()
            : List.of(series.substring(brace + 1, series.length() - 1).split(","));
    String body;
    try {
      body = get(metricsPort, "/metrics").body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    double sum = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) continue;
      int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
      if (!line.substring(0, end).equals(name)) continue;
      String sampleLabels = line.substring(end, line.lastIndexOf(' '));
      if (labels.stream().allMatch(sampleLabels::contains)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private HttpResponse<String> get(int port, String path) throws IOException {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** SIGTERM, as Kubernetes stops a pod; the process is still running when this returns. */
  Process terminate(String name) {
    Process process = running.get(name);
    process.destroy();
    return process;
  }

  /** SIGKILL, as the kernel's OOM killer or a lost node does it. */
  void kill(String name) throws InterruptedException {
    Process process = running.get(name);
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(name + " died").isTrue();
  }

  /**
   * HAProxy (Debian's {@code haproxy}) on 127.0.0.1:{@code port} in TCP mode, balancing over the
   * servers {@code httpPort → metricsPort}, each checked with {@code GET /readyz} on its metrics
   * port every 500 ms, a connection to a dead one sent to another.
   */
  void haproxy(int port, Map<Integer, Integer> servers) throws IOException {
    if (!Files.isExecutable(Path.of("/usr/sbin/haproxy"))) {
      String message = "HAProxy is not installed (Debian package haproxy)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(message + "; .ci/run installs it");
      }
      Assumptions.abort(message + "; skipping the test that balances over two servers");
    }
    StringBuilder config =
        new StringBuilder(
            """
            global
              maxconn 1024
            defaults
              mode tcp
              timeout connect 2s
              timeout client 1h
              timeout server 1h
              retries 3
              option redispatch
            frontend kpam
              bind 127.0.0.1:%d
              default_backend servers
            backend servers
              balance roundrobin
              option httpchk GET /readyz
              default-server inter 500ms fall 2 rise 1
            """
                .formatted(port));
    int n = 0;
    for (Map.Entry<Integer, Integer> server : servers.entrySet()) {
      config.append(
          "  server s%d 127.0.0.1:%d check port %d%n"
              .formatted(++n, server.getKey(), server.getValue()));
    }
    Path file = dir.resolve("haproxy.cfg");
    Files.writeString(file, config);
    Process haproxy =
        new ProcessBuilder("/usr/sbin/haproxy", "-f", file.toString(), "-db")
            .redirectErrorStream(true)
            .redirectOutput(log("haproxy").toFile())
            .start();
    running.put("haproxy", haproxy);
    await().atMost(Duration.ofSeconds(20)).until(() -> listening(port) || !haproxy.isAlive());
    if (!haproxy.isAlive()) {
      throw new AssertionError("haproxy exited: " + output("haproxy"));
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** What {@code name} printed, every start of it. */
  String output(String name) {
    try {
      return Files.exists(log(name)) ? Files.readString(log(name), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** No process printed any of {@code secrets}. */
  void assertNoSecretInLogs(String... secrets) {
    for (String name : running.keySet()) {
      String output = output(name);
      for (String secret : secrets) {
        assertThat(output).as("the log of " + name).doesNotContain(secret);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    List<Process> all = new ArrayList<>(owned);
    all.addAll(running.values());
    for (Process process : all) {
      process.destroy();
    }
    for (Process process : all) {
      Processes.destroy(process);
    }
  }
}
