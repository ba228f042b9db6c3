package dev.kpam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kpam.cli.api.ApiJson;
import dev.kpam.cli.api.ConfigStore;
import dev.kpam.cli.api.SavedLogin;
import dev.kpam.protocol.ItemList;
import dev.kpam.protocol.sessions.RecordingView;
import dev.kpam.protocol.sessions.SessionCommand;
import dev.kpam.protocol.sessions.SessionSummary;
import dev.kpam.protocol.sessions.SessionView;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kpam sessions logs|recordings|play}: what they ask and print, against a stand-in for the
 * session reading endpoints (docs/RECORDING.md §5) whose session ends after a few polls.
 */
class SessionHistoryCommandsTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private static final SessionCommand GET =
      command(
          0, "k-get", "kubectl get pods -n web", 0, 1_234, 200, 3, List.of("r-1", "r-2", "r-3"));

  /** The exec while its stream runs: both requests known, the upgrade not ended yet. */
  private static final SessionCommand EXEC_RUNNING =
      running(
          command(
              1, "k-exec", "kubectl exec api-7d9 -- sh", 2_000, 40, 200, 2, List.of("r-4", "r-5")));

  private static final SessionCommand EXEC =
      command(
          1, "k-exec", "kubectl exec api-7d9 -- sh", 2_000, 125_000, 101, 2, List.of("r-4", "r-5"));
  private static final SessionCommand CURL =
      command(2, null, "GET /version", 130_000, 12, 403, 1, List.of("r-6"));
  private static final String CAST =
      "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1795867200,\"title\":\"api-7d9 sh\"}\n"
          + "[0.1, \"o\", \"$ \"]\n"
          + "[0.5, \"i\", \"ls\\r\"]\n"
          + "[0.6, \"o\", \"ls\\r\\nbin  été\\r\\n\"]\n"
          + "[30.0, \"m\", \"recording truncated at 16777216 bytes\"]\n";

  @TempDir Path configDir;
  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger commandPolls = new AtomicInteger();
  private final AtomicInteger statusPolls = new AtomicInteger();

  @BeforeEach
  void startServerAndLogIn() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v1/sessions", this::sessions);
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    new ConfigStore(configDir)
        .save(new SavedLogin(url, "alice", "kpam_alice", Instant.now().plusSeconds(3600)));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /**
   * The session s1 is ACTIVE for three polls of its status; its commands grow over four polls, the
   * exec running for two of them.
   */
  private void sessions(HttpExchange exchange) throws IOException {
    requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    String path = exchange.getRequestURI().getPath();
    switch (path) {
      case "/api/v1/sessions/s1" ->
          json(exchange, session(statusPolls.incrementAndGet() <= 3 ? "ACTIVE" : "ENDED"));
      case "/api/v1/sessions/s1/commands" -> {
        List<SessionCommand> commands =
            switch (commandPolls.incrementAndGet()) {
              case 1 -> List.of(GET);
              case 2, 3 -> List.of(GET, EXEC_RUNNING);
              default -> List.of(GET, EXEC, CURL);
            };
        json(exchange, new ItemList<>(commands));
      }
      case "/api/v1/sessions/s1/recordings" ->
          json(
              exchange,
              new ItemList<>(
                  List.of(
                      new RecordingView(
                          "r-5",
                          "r-5",
                          "exec",
                          "default",
                          "api-7d9",
                          "api",
                          List.of("sh"),
                          T0,
                          125_000L,
                          4_096,
                          true,
                          false))));
      case "/api/v1/sessions/s1/recordings/r-5" -> {
        byte[] bytes = CAST.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-asciicast; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
      }
      default ->
          reply(exchange, 404, "{\"code\":\"not_found\",\"message\":\"session 's2' not found\"}");
    }
  }

  private CliRunner.Result run(String... args) {
    return new CliRunner(configDir, Clock.systemUTC()).run(args);
  }

  @Test
  void logsPrintsOneAlignedLinePerCommandWithLocalTimeStatusAndDuration() {
    commandPolls.set(3);

    CliRunner.Result result = run("sessions", "logs", "s1");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(
            local(0)
                + "  200  1.2s     kubectl get pods -n web\n"
                + local(2_000)
                + "  101  2m05s    kubectl exec api-7d9 -- sh\n"
                + local(130_000)
                + "  403  12ms     GET /version\n");
    assertThat(requests).containsExactly("GET /api/v1/sessions/s1/commands?limit=1000&offset=0");
  }

  @Test
  void logsAsJsonPrintsOneSessionCommandPerLine() throws IOException {
    commandPolls.set(3);

    CliRunner.Result result = run("sessions", "logs", "s1", "-o", "json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(3);
    JsonNode exec = new ObjectMapper().readTree(lines.get(1));
    assertThat(exec.get("line").asText()).isEqualTo("kubectl exec api-7d9 -- sh");
    assertThat(exec.get("requestIds")).extracting(JsonNode::asText).containsExactly("r-4", "r-5");
    assertThat(exec.get("startedAt").asText()).isEqualTo("2026-11-28T12:00:02Z");
  }

  @Test
  void followingPrintsEachCommandOnceItSettledAndStopsWhenTheSessionIsOverAndQuiet() {
    CliRunner.Result result = run("sessions", "logs", "s1", "--follow", "--poll-interval-ms", "1");

    assertThat(result.exitCode()).as(result.err()).isZero();
    // The exec is not printed while it runs, though its requests stayed the same for a poll.
    assertThat(result.out().lines().map(l -> l.substring(21)))
        .containsExactly(
            "200  1.2s     kubectl get pods -n web",
            "101  2m05s    kubectl exec api-7d9 -- sh",
            "403  12ms     GET /version");
    assertThat(statusPolls.get()).as("polls until the ended session was quiet twice").isEqualTo(6);
  }

  @Test
  void recordingsListsIdPodCommandStartDurationAndSize() {
    CliRunner.Result result = run("sessions", "recordings", "s1");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "ID   POD              COMMAND  STARTED               DURATION  BYTES\n"
                + "r-5  default/api-7d9  sh       2026-11-28T12:00:00Z  2m05s     4096\n");
  }

  @Test
  void playWritesTheOutputToStdoutAndMarkersToStderr() {
    CliRunner.Result result = run("sessions", "play", "s1", "r-5", "--speed", "1000");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).isEqualTo("$ ls\r\nbin  été\r\n");
    assertThat(result.err()).isEqualTo("[recording truncated at 16777216 bytes]\n");
    assertThat(requests).containsExactly("GET /api/v1/sessions/s1/recordings/r-5");
  }

  @Test
  void anUnknownSessionIsReportedWithTheServersMessage() {
    CliRunner.Result result = run("sessions", "logs", "s2");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("session 's2' not found");
  }

  @Test
  void aSpeedOfZeroIsRefusedBeforeAnythingIsDownloaded() {
    CliRunner.Result result = run("sessions", "play", "s1", "r-5", "--speed", "0");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.err()).contains("speed: 0.0 (expected: a number above 0");
    assertThat(requests).isEmpty();
  }

  private static String local(long millis) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .format(T0.plusMillis(millis).atZone(ZoneId.systemDefault()));
  }

  private static SessionCommand command(
      int index,
      String kubectlSession,
      String line,
      long startMs,
      long durationMs,
      int status,
      int requests,
      List<String> ids) {
    return new SessionCommand(
        index,
        kubectlSession,
        line,
        T0.plusMillis(startMs),
        T0.plusMillis(startMs + durationMs),
        durationMs,
        status,
        requests,
        status >= 400 ? 1 : 0,
        0,
        ids,
        null,
        null,
        null,
        List.of());
  }

  private static SessionCommand running(SessionCommand c) {
    return new SessionCommand(
        c.index(),
        c.kubectlSession(),
        c.line(),
        c.startedAt(),
        c.endedAt(),
        c.durationMs(),
        c.status(),
        c.requests(),
        c.errors(),
        1,
        c.requestIds(),
        null,
        null,
        null,
        List.of());
  }

  private static SessionView session(String status) {
    return new SessionView(
        "s1",
        "alice",
        "prod",
        "admin",
        "dc1",
        "dc1",
        null,
        status,
        T0,
        T0,
        T0.plusSeconds(3600),
        status.equals("ACTIVE") ? null : T0.plusSeconds(600),
        null,
        null,
        null,
        null,
        null,
        false,
        null,
        new SessionSummary(600_000, 3, 6, 0, 7_000, 1, 1, false));
  }

  private static void json(HttpExchange exchange, Object body) throws IOException {
    reply(exchange, 200, ApiJson.mapper().writeValueAsString(body));
  }

  private static void reply(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
