package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kpam.cli.api.ConfigStore;
import dev.kpam.cli.api.SavedLogin;
import dev.kpam.server.notify.WebhookSettings;
import dev.kpam.testing.kube.Kubectl;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Access requests through the real path: {@code kpam k8s access} (its own process, from kpam.jar)
 * on an account that requires approval waits, the requester cannot approve it, the approver's
 * {@code kpam requests approve} opens the session for the real kubectl (1.27 and 1.33), a denial
 * ends it and a denial of a waiting request ends the CLI with the comment; break-glass opens at
 * once, is marked, and reaches the webhook receiver at once. On SQLite and PostgreSQL.
 */
@ParameterizedClass
@ValueSource(strings = {"sqlite", "postgresql"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalThroughKpamTest {
  private static final Pattern REQUEST =
      Pattern.compile("request ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameter String backend;
  private Path dir;
  private KpamWorld world;
  private HttpServer receiver;
  private final BlockingQueue<JsonNode> notifications = new LinkedBlockingQueue<>();
  private Path bob;
  private Path carol;

  @BeforeParameterizedClassInvocation
  void start() throws IOException {
    dir = Files.createTempDirectory("kpam-approval-" + backend);
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          notifications.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    byte[] secret = "an-e2e-webhook-secret-32-bytes!!".getBytes(StandardCharsets.UTF_8);
    world =
        KpamWorld.onBackend(
            dir, backend, server -> server.webhook(new WebhookSettings(hook, secret, "json")));
    bob = login("bob");
    carol = login("carol");
  }

  @AfterParameterizedClassInvocation
  void stop() {
    if (world != null) world.close();
    if (receiver != null) receiver.stop(0);
  }

  @Test
  void theApproversCliApprovalOpensTheSessionForKubectlAndTheirDenialEndsIt() throws Exception {
    String account = account();
    Path kubeconfig = dir.resolve(account + "-kubeconfig");
    Process access = access(bob, kubeconfig, account, "--reason", "incident 42");
    try {
      StringBuffer out = Processes.collect(access.getInputStream());
      StringBuffer err = Processes.collect(access.getErrorStream());
      String request = awaitWaiting(access, out, err);
      assertThat(out.toString())
          .contains(
              "Account prod/"
                  + account
                  + " requires approval: request "
                  + request
                  + " is waiting for approval by carol (Ctrl-C cancels it).");

      Result own = kpam(bob, "requests", "approve", request);
      assertThat(own.exitCode()).isEqualTo(1);
      assertThat(own.err()).contains("nobody approves or denies their own request");
      JsonNode pending =
          JSON.readTree(kpam(carol, "requests", "list", "--pending", "-o", "json").out());
      assertThat(pending.findValuesAsText("id")).contains(request);
      Result approved = kpam(carol, "requests", "approve", request, "--comment", "go ahead");
      assertThat(approved.exitCode()).as(approved.err()).isZero();

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> out.toString().contains("Press Ctrl-C") || !access.isAlive());
      assertThat(out.toString())
          .as(err.toString())
          .contains("Request " + request + " approved by carol: go ahead.");
      JsonNode session = session(account);
      assertThat(session.get("requestId").asText()).isEqualTo(request);
      for (String binary : List.of(Kubectl.V1_27, Kubectl.V1_33)) {
        Kubectl.Result pods = world.kubectl(binary, kubeconfig).run("get", "pods");
        assertThat(pods.exitCode()).as(binary + ": " + pods.stderr()).isZero();
        assertThat(pods.stdout()).contains("web");
      }

      Result denied = kpam(carol, "requests", "deny", request, "--comment", "incident over");
      assertThat(denied.exitCode()).as(denied.err()).isZero();
      JsonNode ended =
          world.call(
              "GET", "/api/v1/sessions/" + session.get("id").asText(), world.adminToken, null);
      assertThat(ended.get("status").asText()).isEqualTo("TERMINATED");
      assertThat(ended.get("endReason").asText())
          .isEqualTo("access revoked: request " + request + " denied by carol");
      assertThat(access.waitFor(30, TimeUnit.SECONDS)).as("the CLI noticed the end").isTrue();
      Kubectl.Result after = world.kubectl(Kubectl.V1_33, kubeconfig).run("get", "pods");
      assertThat(after.exitCode()).isNotZero();
    } finally {
      Processes.destroy(access);
    }
    List<String> types = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (JsonNode n; (n = notifications.poll()) != null; ) {
                if (n.path("account").asText().equals("prod/" + account)) {
                  types.add(n.get("type").asText() + " " + n.path("status").asText());
                }
              }
              return types.size() >= 4;
            });
    assertThat(types)
        .containsExactlyInAnyOrder(
            "request.created ",
            "request.decided APPROVED",
            "request.decided DENIED",
            "session.terminated ");
  }

  @Test
  void aDenialOfTheWaitingRequestEndsTheCliWithTheApproversComment() throws Exception {
    String account = account();
    Process access =
        access(bob, dir.resolve(account + "-kubeconfig"), account, "--reason", "deploy");
    try {
      StringBuffer out = Processes.collect(access.getInputStream());
      StringBuffer err = Processes.collect(access.getErrorStream());
      String request = awaitWaiting(access, out, err);

      assertThat(
              kpam(carol, "requests", "deny", request, "--comment", "not during the freeze")
                  .exitCode())
          .isZero();

      assertThat(access.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(access.exitValue()).isEqualTo(1);
      assertThat(err.toString())
          .contains("error: request " + request + " was denied by carol: not during the freeze");
    } finally {
      Processes.destroy(access);
    }
  }

  @Test
  void ctrlCWhileWaitingCancelsTheRequest() throws Exception {
    String account = account();
    Process access = access(bob, dir.resolve(account + "-kubeconfig"), account, "--reason", "look");
    String request;
    try {
      StringBuffer out = Processes.collect(access.getInputStream());
      StringBuffer err = Processes.collect(access.getErrorStream());
      request = awaitWaiting(access, out, err);
      new ProcessBuilder("kill", "-INT", Long.toString(access.pid())).start().waitFor();
      assertThat(access.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(out.toString()).contains("Request " + request + " cancelled.");
    } finally {
      Processes.destroy(access);
    }
    JsonNode cancelled = world.call("GET", "/api/v1/requests/" + request, world.adminToken, null);
    assertThat(cancelled.get("status").asText()).isEqualTo("CANCELLED");
    assertThat(cancelled.get("decidedBy").asText()).isEqualTo("bob");
  }

  @Test
  void breakGlassOpensAtOnceIsMarkedAndNotifiesTheReceiverAtOnce() throws Exception {
    String account = account();
    Path kubeconfig = dir.resolve(account + "-kubeconfig");
    Process access =
        access(
            bob,
            kubeconfig,
            account,
            "--break-glass",
            "--reason",
            "prod is down",
            "--duration",
            "5m");
    try {
      StringBuffer out = Processes.collect(access.getInputStream());
      StringBuffer err = Processes.collect(access.getErrorStream());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> out.toString().contains("Press Ctrl-C") || !access.isAlive());
      assertThat(access.isAlive()).as(out + "\n" + err).isTrue();
      Kubectl.Result pods = world.kubectl(Kubectl.V1_33, kubeconfig).run("get", "pods");
      assertThat(pods.exitCode()).as(pods.stderr()).isZero();

      JsonNode session = session(account);
      assertThat(session.get("breakGlass").asBoolean()).isTrue();
      JsonNode used = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (used == null && System.nanoTime() < deadline) {
        JsonNode n = notifications.poll(1, TimeUnit.SECONDS);
        if (n != null && n.path("account").asText().equals("prod/" + account)) used = n;
      }
      assertThat(used).as("break-glass notified within seconds").isNotNull();
      assertThat(used.get("type").asText()).isEqualTo("break-glass.used");
      assertThat(used.get("user").asText()).isEqualTo("bob");
      assertThat(used.get("reason").asText()).isEqualTo("prod is down");
      assertThat(used.get("session").asText()).isEqualTo(session.get("id").asText());

      Path admin = dir.resolve("admin-config");
      new ConfigStore(admin)
          .save(new SavedLogin(world.serverUrl().toString(), "admin", world.adminToken, null));
      assertThat(kpam(admin, "sessions", "list", "--account", account).out())
          .contains("ACTIVE BREAK-GLASS");
    } finally {
      Processes.destroy(access);
    }
  }

  // ---- helpers

  /** A member logged in through the API, with a kpam config directory of their own. */
  private Path login(String name) {
    String password = name + "-password-for-e2e";
    world.call(
        "POST",
        "/api/v1/users",
        world.adminToken,
        Map.of("name", name, "role", "member", "password", password));
    String token =
        world
            .call(
                "POST", "/api/v1/auth/login", null, Map.of("username", name, "password", password))
            .get("token")
            .asText();
    Path config = dir.resolve(name + "-config");
    new ConfigStore(config).save(new SavedLogin(world.serverUrl().toString(), name, token, null));
    return config;
  }

  /** A new account on prod that bob may use, approved by carol, with break-glass up to 10m. */
  private String account() {
    String name = "approved" + NEXT.incrementAndGet();
    Map<String, Object> body = new HashMap<>();
    body.put("name", name);
    body.put("token", KpamWorld.STORED_TOKEN);
    body.put(
        "access",
        Map.of(
            "requiresApproval",
            true,
            "approvers",
            List.of("carol"),
            "breakGlass",
            true,
            "breakGlassMaxDuration",
            "10m"));
    world.call("POST", "/api/v1/resources/prod/accounts", world.adminToken, body);
    world.call(
        "POST",
        "/api/v1/resources/prod/accounts/" + name + "/grants",
        world.adminToken,
        Map.of("user", "bob"));
    return name;
  }

  private JsonNode session(String account) {
    JsonNode items =
        world
            .call("GET", "/api/v1/sessions?account=" + account, world.adminToken, null)
            .get("items");
    assertThat(items).hasSize(1);
    return items.get(0);
  }

  private String awaitWaiting(Process access, StringBuffer out, StringBuffer err) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> out.toString().contains("waiting for approval") || !access.isAlive());
    assertThat(access.isAlive()).as(out + "\n" + err).isTrue();
    Matcher id = REQUEST.matcher(out);
    assertThat(id.find()).as(out.toString()).isTrue();
    return id.group(1);
  }

  private Process access(Path config, Path kubeconfig, String account, String... more)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "k8s",
                "access",
                "--resource",
                "prod",
                "--account",
                account,
                "--kubeconfig-out",
                kubeconfig.toString()));
    args.addAll(List.of(more));
    return process(config, args);
  }

  private Process process(Path config, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of("java", "-jar", KpamWorld.KPAM_JAR.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("KPAM_CONFIG_DIR", config.toString());
    builder.environment().put("HOME", dir.resolve("home").toString());
    return builder.start();
  }

  private record Result(int exitCode, String out, String err) {}

  private Result kpam(Path config, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", KpamWorld.KPAM_JAR.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "kpam-out", ".txt");
    Path err = Files.createTempFile(dir, "kpam-err", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("KPAM_CONFIG_DIR", config.toString());
    builder.environment().put("HOME", dir.resolve("home").toString());
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kpam " + String.join(" ", args)).isTrue();
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }
}
