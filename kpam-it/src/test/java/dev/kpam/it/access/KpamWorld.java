package dev.kpam.it.access;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.app.ControlPlane;
import dev.kpam.cli.access.AccessSession;
import dev.kpam.cli.access.AccessSettings;
import dev.kpam.cli.access.SecondFactorPrompt;
import dev.kpam.cli.api.ApiClient;
import dev.kpam.cli.api.SavedLogin;
import dev.kpam.gateway.Gateway;
import dev.kpam.gateway.GatewayConfig;
import dev.kpam.gateway.enroll.Enrollment;
import dev.kpam.gateway.enroll.GatewayFiles;
import dev.kpam.relay.StandaloneRelay;
import dev.kpam.relay.StandaloneRelayConfig;
import dev.kpam.relay.enroll.RelayEnrollment;
import dev.kpam.relay.enroll.RelayFiles;
import dev.kpam.server.ServerConfig;
import dev.kpam.testing.TestPostgres;
import dev.kpam.testing.kube.FakeKubeApiServer;
import dev.kpam.testing.kube.Kubectl;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The whole kpam path on loopback: a fake Kubernetes API server, the control plane with its
 * embedded relay (or, from {@link #startWithStandaloneRelay}, without it and with an enrolled
 * standalone relay instead), an enrolled gateway, a resource and an account, and helpers to open
 * access sessions and run the real kubectl through them.
 *
 * <pre>{@code
 * try (KpamWorld world = KpamWorld.start(tempDir)) {
 *   AccessSession access = world.access("1h");
 *   world.kubectl(Kubectl.V1_33, access).run("get", "pods");
 * }
 * }</pre>
 */
public final class KpamWorld implements AutoCloseable {
  public static final String STORED_TOKEN = "stored-sa-token-9f2c1e7a-never-shown";
  public static final Path KPAM_JAR =
      Path.of("..", "kpam-app", "target", "kpam.jar").toAbsolutePath().normalize();
  public static final String ADMIN_PASSWORD = "admin-password-for-e2e";

  final Path dir;
  public final FakeKubeApiServer kube;
  volatile ControlPlane plane;
  private final UnaryOperator<ServerConfig.Builder> serverSettings;
  private ServerConfig restartConfig;
  final HttpClient http = HttpClient.newHttpClient();
  public final String adminToken;
  final String gatewayId;
  private volatile Gateway gateway;
  private final StandaloneRelay standaloneRelay;
  private final StringWriter accessOutput = new StringWriter();
  private TestPostgres.Schema schema;

  private KpamWorld(
      Path dir,
      FakeKubeApiServer kube,
      ControlPlane plane,
      UnaryOperator<ServerConfig.Builder> serverSettings,
      int standaloneRelayPort) {
    this.dir = dir;
    this.kube = kube;
    this.plane = plane;
    this.serverSettings = serverSettings;
    this.adminToken = api().login("admin", ADMIN_PASSWORD);
    this.standaloneRelay =
        standaloneRelayPort == 0 ? null : startStandaloneRelay(standaloneRelayPort);
    String enrollToken =
        call("POST", "/api/v1/gateways", adminToken, Map.of("name", "dc1"))
            .get("enrollToken")
            .asText();
    GatewayFiles files = GatewayFiles.in(dir.resolve("gateway"));
    var identity =
        Enrollment.enroll(plane.server().url(), http, enrollToken, "dc1", Gateway.VERSION);
    files.save(identity);
    this.gatewayId = identity.gatewayId();
    startGateway();
    api().createProdResource(adminToken, kube, STORED_TOKEN);
  }

  public static KpamWorld start(Path dir) {
    return start(dir, server -> server);
  }

  /**
   * A world whose server runs on {@code backend}: {@code sqlite} (in {@code dir}) or {@code
   * postgresql} (a fresh schema of the test database, dropped when the world closes).
   */
  public static KpamWorld onBackend(Path dir, String backend) {
    return onBackend(dir, backend, server -> server);
  }

  /** Like {@link #onBackend(Path, String)}, with the server's settings changed. */
  public static KpamWorld onBackend(
      Path dir, String backend, UnaryOperator<ServerConfig.Builder> serverSettings) {
    if (!backend.equals("postgresql")) {
      return start(dir, serverSettings);
    }
    TestPostgres.Schema schema = TestPostgres.freshSchema();
    try {
      KpamWorld world = start(dir, server -> serverSettings.apply(server).dbUrl(schema.jdbcUrl()));
      world.schema = schema;
      return world;
    } catch (RuntimeException e) {
      schema.close();
      throw e;
    }
  }

  /**
   * Like {@link #start(Path)}, with the server's settings changed by {@code serverSettings} (e.g.
   * {@code server -> server.gatewayCertificateLifetime(Duration.ofSeconds(30))}).
   */
  public static KpamWorld start(Path dir, UnaryOperator<ServerConfig.Builder> serverSettings) {
    FakeKubeApiServer kube = FakeKubeApiServer.start(STORED_TOKEN);
    kube.addPod("default", "web");
    ControlPlane plane = ControlPlane.start(serverConfig(dir, serverSettings, 0, 0));
    return new KpamWorld(dir, kube, plane, serverSettings, 0);
  }

  /**
   * Like {@link #start(Path, UnaryOperator)}, but {@code kpam server} runs without its embedded
   * relay and announces a standalone {@code kpam relay} on 127.0.0.1: registered as {@code edge},
   * enrolled with its one-time token, and started from its data dir {@code relay/}.
   */
  public static KpamWorld startWithStandaloneRelay(
      Path dir, UnaryOperator<ServerConfig.Builder> serverSettings) {
    int relayPort = freePort();
    UnaryOperator<ServerConfig.Builder> withoutEmbeddedRelay =
        server ->
            serverSettings
                .apply(server)
                .embeddedRelay(false)
                .relayAddresses(List.of("127.0.0.1:" + relayPort));
    FakeKubeApiServer kube = FakeKubeApiServer.start(STORED_TOKEN);
    kube.addPod("default", "web");
    ControlPlane plane = ControlPlane.start(serverConfig(dir, withoutEmbeddedRelay, 0, 0));
    return new KpamWorld(dir, kube, plane, withoutEmbeddedRelay, relayPort);
  }

  private StandaloneRelay startStandaloneRelay(int port) {
    return startRelay("edge", dir.resolve("relay"), port);
  }

  /**
   * Another standalone relay, registered as {@code name}, enrolled and started on 127.0.0.1:{@code
   * port} from {@code relayDir}; the caller closes it.
   */
  StandaloneRelay startRelay(String name, Path relayDir, int port) {
    String enrollToken =
        call("POST", "/api/v1/relays", adminToken, Map.of("name", name))
            .get("enrollToken")
            .asText();
    RelayFiles.in(relayDir)
        .save(
            RelayEnrollment.enroll(
                plane.server().url(), http, enrollToken, name, List.of("127.0.0.1:" + port)));
    return StandaloneRelay.start(
        StandaloneRelayConfig.defaults(relayDir, null, http, "127.0.0.1", port, null));
  }

  /**
   * Restarts the server (on its HTTP port, without its embedded relay) announcing {@code relays}
   * instead, as an operator who adds or retires relays does.
   */
  void restartAnnouncing(List<String> relays) {
    int httpPort = plane.server().httpPort();
    plane.close();
    plane =
        ControlPlane.start(
            serverConfig(
                dir,
                server -> serverSettings.apply(server).embeddedRelay(false).relayAddresses(relays),
                httpPort,
                0));
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The standalone relay of {@link #startWithStandaloneRelay}. */
  StandaloneRelay standaloneRelay() {
    if (standaloneRelay == null) {
      throw new IllegalStateException("this world uses the embedded relay");
    }
    return standaloneRelay;
  }

  /** Waits until the gateway has a tunnel at its relay (it redials after losing one). */
  void awaitGatewayTunnel() {
    await().atMost(Duration.ofSeconds(20)).until(() -> relayTunnels().containsKey(gatewayId));
  }

  /** Gateway id → tunnels, at the relay the gateway dials (embedded or standalone). */
  private Map<String, Integer> relayTunnels() {
    return standaloneRelay != null
        ? standaloneRelay.connectedGateways()
        : plane.relay().connectedGateways();
  }

  private static ServerConfig serverConfig(
      Path dir, UnaryOperator<ServerConfig.Builder> serverSettings, int httpPort, int relayPort) {
    return serverSettings
        .apply(
            ServerConfig.builder()
                .dataDir(dir.resolve("server"))
                .bindHost("127.0.0.1")
                .httpPort(httpPort)
                .relayPort(relayPort)
                .bootstrapPassword(ADMIN_PASSWORD)
                // Worlds stop and restart their server often; the drain is tested as deployed,
                // by HighAvailabilityTest, and in kpam-server's GracefulStopTest.
                .drainTimeout(Duration.ZERO))
        .build();
  }

  /**
   * Stops the server and its embedded relay, as when the {@code kpam server} process stops, and
   * waits until the gateway has lost its tunnel; with a standalone relay only the server stops (the
   * relay and the tunnel stay). {@link #startControlPlane} brings them back.
   */
  void stopControlPlane() {
    int relayPort = standaloneRelay == null ? plane.relay().port() : 0;
    restartConfig = serverConfig(dir, serverSettings, plane.server().httpPort(), relayPort);
    plane.close();
    if (standaloneRelay == null) {
      await().atMost(Duration.ofSeconds(20)).until(() -> gateway.connectedRelays().isEmpty());
    }
  }

  /**
   * Starts the server and its embedded relay again from the same data dir on the same HTTP and
   * relay ports, and waits until the gateway's tunnel is back.
   */
  void startControlPlane() {
    if (restartConfig == null) {
      throw new IllegalStateException("the control plane was not stopped");
    }
    plane = ControlPlane.start(restartConfig);
    restartConfig = null;
    await().atMost(Duration.ofSeconds(20)).until(() -> relayTunnels().containsKey(gatewayId));
  }

  /** Starts (or restarts) the gateway from its data dir and waits until the relay has it. */
  void startGateway() {
    gateway = Gateway.start(GatewayConfig.defaults(dir.resolve("gateway"), null, http));
    await().atMost(Duration.ofSeconds(20)).until(() -> relayTunnels().containsKey(gatewayId));
  }

  Gateway gateway() {
    return gateway;
  }

  /**
   * Runs the gateway as its own {@code kpam gateway} process from the same data dir (stop the
   * in-process one first), so that a test can kill it with SIGKILL; waits until the relay has it.
   */
  Process startGatewayProcess() throws IOException {
    Path log = dir.resolve("gateway-process-" + System.nanoTime() + ".log");
    Process process =
        new ProcessBuilder(
                "java",
                "-jar",
                KPAM_JAR.toString(),
                "gateway",
                "--server",
                plane.server().url().toString(),
                "--data-dir",
                dir.resolve("gateway").toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> relayTunnels().containsKey(gatewayId) || !process.isAlive());
    if (!process.isAlive()) {
      throw new IllegalStateException("kpam gateway exited: " + Files.readString(log));
    }
    return process;
  }

  /** Kills a gateway process with SIGKILL and waits until the relay has lost its tunnel. */
  void killGatewayProcess(Process process) throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
    await().atMost(Duration.ofSeconds(40)).until(() -> !relayTunnels().containsKey(gatewayId));
  }

  void stopGateway() {
    gateway.close();
    await().atMost(Duration.ofSeconds(20)).until(() -> !relayTunnels().containsKey(gatewayId));
  }

  /** Opens an access session as the admin, writing a standalone kubeconfig. */
  AccessSession access(String duration) {
    return access(duration, dir.resolve("kubeconfig-" + System.nanoTime()));
  }

  public AccessSession access(String duration, Path kubeconfig) {
    return access(duration, kubeconfig, Duration.ofMillis(200));
  }

  /**
   * Like {@link #access(String, Path)}, asking the server about the session every {@code
   * pollInterval} (long: the CLI keeps serving a session ended behind its back).
   */
  AccessSession access(String duration, Path kubeconfig, Duration pollInterval) {
    return access("admin", adminToken, "prod", "admin", duration, kubeconfig, pollInterval);
  }

  /** Opens an access session as {@code user} (logged in with {@code token}) on resource/account. */
  AccessSession access(
      String user,
      String token,
      String resource,
      String account,
      String duration,
      Path kubeconfig,
      Duration pollInterval) {
    SavedLogin login = new SavedLogin(plane.server().url().toString(), user, token, null);
    return AccessSession.start(
        new AccessSettings(
            ApiClient.loggedIn(login),
            resource,
            account,
            duration,
            "e2e test",
            null,
            false,
            0,
            kubeconfig,
            true,
            dir.resolve("cli-config"),
            Clock.systemUTC(),
            new PrintWriter(accessOutput, true),
            pollInterval,
            SecondFactorPrompt.NONE));
  }

  public Kubectl kubectl(String binary, Path kubeconfig) {
    return new Kubectl(binary, kubeconfig, dir.resolve("home-" + Path.of(binary).getFileName()));
  }

  /** The session's commands as the admin reads them (docs/RECORDING.md §5), all of them. */
  public List<JsonNode> commands(String sessionId) {
    List<JsonNode> commands = new ArrayList<>();
    call("GET", "/api/v1/sessions/" + sessionId + "/commands?limit=1000", adminToken, null)
        .get("items")
        .forEach(commands::add);
    return commands;
  }

  /**
   * The session's commands once there are more than {@code after} and none from there on has a
   * request still running; fails after 30 s saying what the last ones were.
   */
  public List<JsonNode> awaitSettledCommands(String sessionId, int after) {
    List<JsonNode> commands = new ArrayList<>();
    try {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                commands.clear();
                commands.addAll(commands(sessionId));
                return commands.size() > after
                    && commands.subList(after, commands.size()).stream()
                        .allMatch(c -> c.get("running").asInt() == 0);
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "no settled command after the first "
              + after
              + "; the session's last commands: "
              + commands.subList(Math.max(0, commands.size() - 3), commands.size()),
          e);
    }
    return commands;
  }

  public JsonNode call(String method, String path, String token, Object body) {
    return api().call(method, path, token, body);
  }

  /** The server's API, wherever it runs now. */
  ApiCalls api() {
    return new ApiCalls(http, plane.server().url());
  }

  /** The id of the session's first recording, once the gateway has uploaded all of it. */
  public String awaitFinishedRecording(String sessionId) {
    String[] id = {null};
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              JsonNode items =
                  call("GET", "/api/v1/sessions/" + sessionId + "/recordings", adminToken, null)
                      .get("items");
              if (items.isEmpty() || items.get(0).get("durationMs").isNull()) {
                return false;
              }
              id[0] = items.get(0).get("id").asText();
              return true;
            });
    return id[0];
  }

  public URI serverUrl() {
    return plane.server().url();
  }

  String accessOutput() {
    return accessOutput.toString();
  }

  @Override
  public void close() {
    if (gateway != null) gateway.close();
    if (standaloneRelay != null) standaloneRelay.close();
    plane.close();
    kube.close();
    if (schema != null) schema.close();
  }
}
