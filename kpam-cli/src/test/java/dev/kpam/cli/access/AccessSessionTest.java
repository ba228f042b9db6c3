package dev.kpam.cli.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.CliException;
import dev.kpam.cli.PasswordPrompt;
import dev.kpam.cli.api.ApiClient;
import dev.kpam.cli.api.ApiJson;
import dev.kpam.cli.api.ConfigStore;
import dev.kpam.cli.api.SavedLogin;
import dev.kpam.cli.kubeconfig.KubeconfigEntry;
import dev.kpam.cli.kubeconfig.Kubeconfigs;
import dev.kpam.cli.kubeconfig.KubeconfigsTest;
import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.Csrs;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.protocol.sessions.CreateSessionRequest;
import dev.kpam.protocol.sessions.CreatedSession;
import dev.kpam.protocol.sessions.SessionView;
import dev.kpam.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session lifecycle against a stand-in kpam API (JDK HTTP server) and a stand-in gateway. */
class AccessSessionTest {
  private final TestClock clock = TestClock.startingNow();
  private final CertificateAuthority ca = CertificateAuthority.create("kpam test CA", clock);
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final AtomicReference<String> status = new AtomicReference<>("ACTIVE");
  private final StringWriter out = new StringWriter();
  private HttpServer api;
  private ApiClient client;

  @TempDir Path dir;

  @BeforeEach
  void startApi() throws IOException {
    api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    api.createContext("/api/v1/sessions", this::serve);
    api.start();
    client =
        ApiClient.loggedIn(
            new SavedLogin(
                "http://127.0.0.1:" + api.getAddress().getPort(), "alice", "kpat_x", null));
  }

  @AfterEach
  void stopApi() {
    api.stop(0);
  }

  private void serve(HttpExchange exchange) throws IOException {
    String call = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
    calls.add(call);
    if (call.equals("POST /api/v1/sessions")) {
      CreateSessionRequest request =
          ApiJson.mapper()
              .readValue(exchange.getRequestBody().readAllBytes(), CreateSessionRequest.class);
      if (!request.account().equals("admin")) {
        reply(
            exchange,
            404,
            "{\"code\":\"not_found\",\"message\":\"no account "
                + request.account()
                + " on prod; you may access: prod/admin\"}");
        return;
      }
      Instant expires = clock.instant().plus(Duration.ofHours(1));
      var certificate =
          ca.issueSessionCertificate(Csrs.parse(request.csr()).publicKey(), "s1", "dc1", expires);
      reply(
          exchange,
          201,
          ApiJson.mapper()
              .writeValueAsString(
                  new CreatedSession(
                      view("ACTIVE", expires),
                      Pem.encodeCertificate(certificate),
                      List.of(Pem.encodeCertificate(ca.certificate())),
                      "dc1",
                      "127.0.0.1:1",
                      List.of("127.0.0.1:1"))));
    } else {
      reply(
          exchange,
          200,
          ApiJson.mapper().writeValueAsString(view(status.get(), clock.instant().plusSeconds(60))));
    }
  }

  private static SessionView view(String status, Instant expires) {
    return new SessionView(
        "s1",
        "alice",
        "prod",
        "admin",
        "dc1",
        "dc1",
        null,
        status,
        expires,
        null,
        expires,
        null,
        "incident over",
        "bob",
        null,
        null,
        null,
        false,
        null,
        null);
  }

  private static void reply(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private AccessSession start(String account, Path kubeconfig) {
    AccessSettings settings =
        new AccessSettings(
            client,
            "prod",
            account,
            "1h",
            "ticket 42",
            null,
            false,
            0,
            kubeconfig,
            false,
            dir.resolve("kpam"),
            clock,
            new PrintWriter(out, true),
            Duration.ofMillis(20),
            SecondFactorPrompt.NONE);
    // No relay here: the proxy's upstream is never used by these tests.
    return AccessSession.start(
        settings,
        (tls, relays) ->
            loop -> CompletableFuture.failedFuture(new IOException("no relay in this test")));
  }

  @Test
  void startSwitchesTheContextAndCloseEndsTheSessionAndRestoresTheKubeconfig() throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("config"), KubeconfigsTest.USERS_FILE);

    AccessSession session = start("admin", kubeconfig);

    assertThat(Files.readString(kubeconfig))
        .contains("current-context: kpam/prod/admin")
        .contains("server: https://127.0.0.1:" + session.port());
    assertThat(dir.resolve("kpam/access/s1.json")).exists();
    assertThat(out.toString())
        .contains("s1", "kpam/prod/admin", kubeconfig.toString(), "Press Ctrl-C");

    session.close();

    Outcome outcome = session.outcome().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(outcome.exitCode()).isZero();
    assertThat(calls).contains("POST /api/v1/sessions/s1/end");
    assertThat(Files.readString(kubeconfig)).isEqualTo(KubeconfigsTest.USERS_FILE);
    assertThat(dir.resolve("kpam/access/s1.json")).doesNotExist();
  }

  @Test
  void terminationByAnAdminEndsWithExitCode4AndTheReason() throws Exception {
    Path kubeconfig = dir.resolve("created/config");
    AccessSession session = start("admin", kubeconfig);
    status.set("TERMINATED");

    Outcome outcome = session.outcome().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(outcome.exitCode()).isEqualTo(4);
    assertThat(outcome.message()).contains("bob", "incident over");
    assertThat(calls).doesNotContain("POST /api/v1/sessions/s1/end");
    assertThat(kubeconfig).doesNotExist();
  }

  @Test
  void expiryByTheClockEndsWithExitCode3() throws Exception {
    AccessSession session = start("admin", dir.resolve("config"));
    clock.advance(Duration.ofHours(1));

    Outcome outcome = session.outcome().toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertThat(outcome.exitCode()).isEqualTo(3);
    assertThat(outcome.message()).isEqualTo("session expired");
  }

  @Test
  void anUnknownAccountGivesTheServersMessageAndLeavesNothingBehind() throws IOException {
    Path kubeconfig = Files.writeString(dir.resolve("config"), KubeconfigsTest.USERS_FILE);

    assertThatThrownBy(() -> start("root", kubeconfig))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("you may access: prod/admin");
    assertThat(Files.readString(kubeconfig)).isEqualTo(KubeconfigsTest.USERS_FILE);
    assertThat(dir.resolve("kpam/access")).doesNotExist();
  }

  @Test
  void aStateFileOfAKilledRunIsRepairedByTheNextCommand() throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("config"), KubeconfigsTest.USERS_FILE);
    Path configDir = dir.resolve("kpam");
    new ConfigStore(configDir)
        .save(
            new SavedLogin(
                "http://127.0.0.1:" + api.getAddress().getPort(), "alice", "kpat_x", null));
    Kubeconfigs.install(
        kubeconfig,
        new KubeconfigEntry("kpam/prod/admin", "https://127.0.0.1:1", "CA", "local-token"));
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    new AccessStates(configDir)
        .write(
            new AccessState(
                "s1", kubeconfig.toString(), "kpam/prod/admin", "prod", false, gone.pid(), null));
    StringWriter err = new StringWriter();

    StaleAccessRepair.run(
        new CliEnvironment(
            configDir,
            Map.of(),
            new ByteArrayInputStream(new byte[0]),
            new PrintWriter(out),
            new PrintWriter(err),
            clock,
            PasswordPrompt.NONE));

    assertThat(Files.readString(kubeconfig))
        .doesNotContain("kpam/")
        .contains("current-context: prod")
        .contains("namespace: web");
    assertThat(configDir.resolve("access/s1.json")).doesNotExist();
    assertThat(calls).contains("POST /api/v1/sessions/s1/end");
    assertThat(err.toString()).contains("cleaned up", "s1");
  }

  @Test
  void aStateFileOfALiveRunIsLeftAlone() {
    Path configDir = dir.resolve("kpam");
    new AccessStates(configDir)
        .write(
            new AccessState(
                "s2", null, "kpam/prod/admin", null, false, ProcessHandle.current().pid(), null));

    StaleAccessRepair.run(
        new CliEnvironment(
            configDir,
            Map.of(),
            new ByteArrayInputStream(new byte[0]),
            new PrintWriter(out),
            new PrintWriter(new StringWriter()),
            clock,
            PasswordPrompt.NONE));

    assertThat(configDir.resolve("access/s2.json")).exists();
  }
}
