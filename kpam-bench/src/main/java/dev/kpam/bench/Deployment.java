package dev.kpam.bench;

import static java.lang.ProcessBuilder.Redirect.DISCARD;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * kpam deployed on loopback with every part in a process of its own, as in production: the fake API
 * server ({@link FakeApiServerProcess}), {@code kpam server} with its embedded relay, one {@code
 * kpam gateway} (the process a bench measures, started with the JVM options it is given) and any
 * number of {@code kpam k8s access} local proxies, all from {@code kpam.jar} and started as {@code
 * ./kpam} starts them: with the class-data sharing archive beside the jar, made first if missing or
 * stale ({@code -Dkpam.bench.cds=false}: without it). The server knows the gateway {@code dc1}, the
 * resource {@code prod} on the fake API server and its account {@code admin}. Closing stops the
 * processes, last started first, and deletes their directory; a shutdown hook does the same on
 * Ctrl-C.
 *
 * <pre>{@code
 * try (Deployment kpam = Deployment.start(kpamJar, "kpam-bench", List.of(), List.of("-Xmx1g"))) {
 *   ProxyTarget proxy = kpam.startProxy("bench");  long pid = kpam.gateway().pid();
 * }
 * }</pre>
 */
final class Deployment implements AutoCloseable {
  /** The token the fake API server accepts, stored in kpam as the account {@code admin}. */
  static final String STORED_TOKEN = "bench-stored-sa-token-8d3f0a";

  private static final String ADMIN_PASSWORD = "bench-admin-password-4e1b7c";
  private static final Pattern KUBE_LISTENING =
      Pattern.compile("fake API server listening on (\\S+)");
  private static final Pattern SERVER_LISTENING =
      Pattern.compile("kpam server listening on ([^\\s,]+)");
  private static final Pattern GATEWAY_RUNNING = Pattern.compile("gateway \\S+ running");
  private static final Pattern PROXY_LISTENING = Pattern.compile("Local proxy: https://\\S+");
  private static final Duration START_LIMIT = Duration.ofMinutes(2);

  /** As {@code ./kpam} runs the JVM: its warnings on stderr, so that stdout stays parseable. */
  private static final List<String> JVM_LOGS =
      List.of("-Xlog:all=off:stdout", "-Xlog:all=warning:stderr");

  private final Path kpamJar;
  private final Path classData;
  private final Path jdkBin;
  private final String classpath;
  private final Path dir;
  private final List<ChildProcess> processes = new ArrayList<>();
  private final Thread onExit = new Thread(this::stopAll, "kpam-bench-stop");
  private final AtomicBoolean closed = new AtomicBoolean();
  private ChildProcess kube;
  private URI kubeUrl;
  private URI serverUrl;
  private ChildProcess gateway;
  private AdminApi admin;
  private int proxies;
  private Duration lastProxyStart;

  private Deployment(Path kpamJar, Path jdkBin, String classpath, Path dir) {
    this.kpamJar = kpamJar;
    this.jdkBin = jdkBin;
    this.classpath = classpath;
    this.dir = dir;
    this.classData =
        Boolean.parseBoolean(System.getProperty("kpam.bench.cds", "true"))
            ? classDataArchive(kpamJar, jdkBin.resolve("java"))
            : null;
  }

  /**
   * The class-data sharing archive beside the jar, made as {@code ./kpam} makes it when it is
   * missing or older than the jar; null when it cannot be made.
   */
  private static Path classDataArchive(Path jar, Path java) {
    Path archive = jar.resolveSibling("kpam.jsa");
    try {
      if (Files.isRegularFile(archive)
          && !Files.getLastModifiedTime(jar)
              .toInstant()
              .isAfter(Files.getLastModifiedTime(archive).toInstant())) {
        return archive;
      }
      Path training = jar.resolveSibling("kpam.jsa." + ProcessHandle.current().pid());
      List<String> command = new ArrayList<>(List.of(java.toString()));
      command.addAll(JVM_LOGS);
      command.addAll(
          List.of(
              "-XX:ArchiveClassesAtExit=" + training,
              "-cp",
              jar.toString(),
              "dev.kpam.app.ClassDataTraining"));
      Process process =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(DISCARD).start();
      if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
        process.destroyForcibly();
        Files.deleteIfExists(training);
        return null;
      }
      Files.move(training, archive, StandardCopyOption.REPLACE_EXISTING);
      return archive;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Starts the fake API server, the server and the gateway, in a new temporary directory named
   * after {@code name}; the two option lists go to the fake API server's and the gateway's JVM.
   */
  static Deployment start(
      Path kpamJar, String name, List<String> kubeJvmOptions, List<String> gatewayJvmOptions)
      throws Exception {
    return start(kpamJar, name, kubeJvmOptions, gatewayJvmOptions, List.of());
  }

  /**
   * As {@link #start(Path, String, List, List)}, with the gateway started as {@code gatewayMain} (a
   * main class on this program's class path and its first arguments, which then take the options of
   * {@code kpam gateway}) instead of {@code kpam.jar gateway}; empty for the latter.
   */
  static Deployment start(
      Path kpamJar,
      String name,
      List<String> kubeJvmOptions,
      List<String> gatewayJvmOptions,
      List<String> gatewayMain)
      throws Exception {
    if (!Files.isRegularFile(kpamJar)) {
      throw new IllegalStateException(
          "no " + kpamJar.toAbsolutePath() + "; build it first: mvn -q -o install -DskipTests");
    }
    Deployment deployment =
        new Deployment(
            kpamJar.toAbsolutePath(),
            Path.of(System.getProperty("java.home"), "bin"),
            classpath(),
            Files.createTempDirectory(name));
    Runtime.getRuntime().addShutdownHook(deployment.onExit);
    try {
      deployment.startFakeApiServer(kubeJvmOptions);
      deployment.startServer();
      String enrollToken = deployment.addGatewayAndResource();
      deployment.startGateway(gatewayJvmOptions, gatewayMain, enrollToken);
      return deployment;
    } catch (Exception | Error e) {
      deployment.close();
      throw e;
    }
  }

  /** The JDK's tools ({@code java}, {@code jcmd}, {@code jstat}). */
  Path jdkBin() {
    return jdkBin;
  }

  /** The fake API server's process; it takes the commands of {@link FakeApiServerProcess}. */
  ChildProcess kube() {
    return kube;
  }

  /** {@code https://127.0.0.1:PORT} of the fake API server. */
  URI kubeUrl() {
    return kubeUrl;
  }

  /** The fake API server's CA certificate (PEM). */
  String kubeCaPem() throws IOException {
    return Files.readString(dir.resolve("ca.pem"));
  }

  /** How many requests the server holds as recorded, over all sessions so far. */
  long recordedRequests() throws IOException, InterruptedException {
    long requests = 0;
    for (JsonNode session : admin.get("/api/v1/sessions?limit=1000").path("items")) {
      requests += session.path("summary").path("requests").asLong();
    }
    return requests;
  }

  /** The measured process. */
  ChildProcess gateway() {
    return gateway;
  }

  /**
   * How long the last {@code kpam k8s access} took from its process start until its local proxy
   * listened (the login before it not counted).
   */
  Duration lastProxyStart() {
    return lastProxyStart;
  }

  /** The kpam processes that serve requests: the server, the gateway and the local proxies. */
  List<ChildProcess> kpamProcesses() {
    synchronized (processes) {
      return processes.stream()
          .filter(p -> p.name().startsWith("kpam ") && !p.name().startsWith("kpam login"))
          .toList();
    }
  }

  /**
   * Logs in with a config dir of its own and starts {@code kpam k8s access} to {@code prod} as
   * {@code admin}, giving {@code reason}; where it listens, from the kubeconfig it writes.
   */
  ProxyTarget startProxy(String reason) throws IOException {
    return startProxy(reason, List.of());
  }

  /** Like {@link #startProxy(String)}, with {@code cliJvmOptions} for the CLI's JVM. */
  ProxyTarget startProxy(String reason, List<String> cliJvmOptions) throws IOException {
    int index = proxies++;
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
    long started = System.nanoTime();
    ChildProcess access =
        start(
            "kpam k8s access " + index,
            kpam(
                cliJvmOptions,
                "k8s",
                "access",
                "--resource",
                "prod",
                "--account",
                "admin",
                "--duration",
                "1h",
                "--reason",
                reason,
                "--kubeconfig-out",
                kubeconfig.toString()),
            env);
    access.awaitLine(PROXY_LISTENING, START_LIMIT);
    lastProxyStart = Duration.ofNanos(System.nanoTime() - started);
    return ProxyTarget.fromKubeconfig(kubeconfig);
  }

  private void startFakeApiServer(List<String> jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp", classpath, FakeApiServerProcess.class.getName(), STORED_TOKEN, dir.toString()));
    kube = start("fake API server", command, Map.of());
    kubeUrl = URI.create(kube.awaitLine(KUBE_LISTENING, START_LIMIT).group(1));
  }

  private void startServer() {
    ChildProcess server =
        start(
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
                "0",
                // IdleWatches holds thousands of watches per local proxy, i.e. per session.
                "--relay-max-connections-per-session",
                "1000000"),
            Map.of("KPAM_BOOTSTRAP_PASSWORD", ADMIN_PASSWORD));
    serverUrl = URI.create(server.awaitLine(SERVER_LISTENING, START_LIMIT).group(1));
  }

  /** Adds the gateway {@code dc1}, the resource {@code prod} and its account; the enroll token. */
  private String addGatewayAndResource() throws Exception {
    admin = AdminApi.login(serverUrl, ADMIN_PASSWORD);
    String enrollToken =
        admin.post("/api/v1/gateways", Map.of("name", "dc1")).get("enrollToken").asText();
    admin.post(
        "/api/v1/resources",
        Map.of("name", "prod", "url", kubeUrl.toString(), "gateway", "dc1", "caCert", kubeCaPem()));
    admin.post("/api/v1/resources/prod/accounts", Map.of("name", "admin", "token", STORED_TOKEN));
    return enrollToken;
  }

  /** The measured process: as an operator starts it, with {@code jvmOptions}. */
  private void startGateway(List<String> jvmOptions, List<String> main, String enrollToken) {
    List<String> options =
        List.of(
            "--server",
            serverUrl.toString(),
            "--name",
            "dc1",
            "--data-dir",
            dir.resolve("gateway").toString());
    List<String> command = new ArrayList<>();
    if (main.isEmpty()) {
      command.addAll(kpam(jvmOptions, "gateway"));
    } else {
      command.add(java());
      command.addAll(jvmOptions);
      command.addAll(JVM_LOGS);
      command.addAll(List.of("-cp", classpath));
      command.addAll(main);
    }
    command.addAll(options);
    gateway = start("kpam gateway", command, Map.of("KPAM_ENROLL_TOKEN", enrollToken));
    gateway.awaitLine(GATEWAY_RUNNING, START_LIMIT);
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

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the hook stops the processes (again: closing them is idempotent).
    }
    if (!Boolean.getBoolean("kpam.bench.keep")) { // the process logs, for a profile or a failure
      delete(dir);
    }
  }

  private List<String> kpam(List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(jvmOptions);
    command.addAll(JVM_LOGS);
    if (classData != null) {
      command.add("-XX:SharedArchiveFile=" + classData);
    }
    command.add("-jar");
    command.add(kpamJar.toString());
    command.addAll(List.of(args));
    return command;
  }

  private String java() {
    return jdkBin.resolve("java").toString();
  }

  /** The classpath this program runs with; exec:java loads it in a URLClassLoader of its own. */
  private static String classpath() throws URISyntaxException {
    if (Deployment.class.getClassLoader() instanceof URLClassLoader loader) {
      List<String> entries = new ArrayList<>();
      for (URL url : loader.getURLs()) {
        entries.add(Path.of(url.toURI()).toString());
      }
      return String.join(File.pathSeparator, entries);
    }
    return System.getProperty("java.class.path");
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
