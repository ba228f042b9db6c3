package dev.kpam.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.server.KpamServer;
import dev.kpam.server.ServerConfig;
import dev.kpam.testing.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kpam accounts} approval flags and {@code kpam requests} against a real server whose clock
 * the test moves: create prints the id, list filters, nobody approves their own, approve and deny
 * print the request, cancel withdraws it, and {@code kpam k8s access} waiting on a request ends
 * with a clear line when the request expires.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliRequestsTest {
  private static final String ADMIN_PASSWORD = "admin-password-for-tests";
  private static final String PASSWORD = "member-password-for-tests";
  private static final AtomicInteger NEXT = new AtomicInteger();

  @TempDir static Path temp;

  private final TestClock clock = TestClock.startingNow();
  private KpamServer server;
  private String url;
  private KpamCli admin;
  private KpamCli bob;
  private KpamCli carol;

  @BeforeAll
  void start() {
    server =
        KpamServer.start(
            ServerConfig.builder()
                .dataDir(temp.resolve("server"))
                .bindHost("127.0.0.1")
                .httpPort(0)
                .relayPort(0)
                .bootstrapPassword(ADMIN_PASSWORD)
                .clock(clock)
                .expiryInterval(Duration.ofMillis(50))
                .build());
    url = "http://127.0.0.1:" + server.httpPort();
    admin = new KpamCli(temp.resolve("admin"));
    ok(admin.runWithInput(ADMIN_PASSWORD + "\n", login("admin")));
    ok(admin.run("gateways", "create", "--name", "dc1"));
    ok(
        admin.run(
            "resources",
            "create",
            "--name",
            "prod",
            "--url",
            "https://10.0.0.1:6443",
            "--gateway",
            "dc1"));
    bob = member("bob");
    carol = member("carol");
  }

  @AfterAll
  void stop() {
    if (server != null) server.close();
  }

  @Test
  void theAccountFlagsSetApprovalAndBreakGlassAndTheListShowsThem() {
    String account = account();
    JsonNode access =
        ok(admin.run(
                "accounts",
                "update",
                "--resource",
                "prod",
                "--name",
                account,
                "--approvals-needed",
                "1",
                "--request-timeout",
                "2h",
                "--break-glass-max",
                "15m",
                "--break-glass",
                "-o",
                "json"))
            .json()
            .get("access");
    assertThat(access.get("requiresApproval").asBoolean()).isTrue();
    assertThat(access.get("approvers").get(0).asText()).isEqualTo("carol");
    assertThat(access.get("requestTimeout").asText()).isEqualTo("2h");
    assertThat(access.get("breakGlassMaxDuration").asText()).isEqualTo("15m");
    assertThat(ok(admin.run("accounts", "list", "--resource", "prod")).out())
        .contains("approval (1 of carol), break-glass");

    KpamCli.Result wrong =
        admin.run(
            "accounts", "update", "--resource", "prod", "--name", account, "--approvers", "nobody");
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.err())
        .contains(
            "access.approvers: 'nobody' (expected: names of existing users, or group:NAME for an identity provider group)");
  }

  @Test
  void requestsAreCreatedListedDecidedAndCancelledFromTheCli() {
    String account = account();
    KpamCli.Result created =
        ok(
            bob.run(
                "requests",
                "create",
                "--resource",
                "prod",
                "--account",
                account,
                "--duration",
                "30m",
                "--reason",
                "incident 42"));
    String id = created.out().trim();
    assertThat(id).matches("[0-9a-f-]{36}");
    assertThat(created.err()).isEqualTo("Request " + id + " is waiting for approval by carol.\n");

    assertThat(
            ok(bob.run("requests", "list", "--mine", "-o", "json")).json().findValuesAsText("id"))
        .containsExactly(id);
    assertThat(ok(carol.run("requests", "list", "--pending")).out())
        .contains(id)
        .contains("bob")
        .contains("prod/" + account)
        .contains("0/1");
    KpamCli.Result own = bob.run("requests", "approve", id);
    assertThat(own.exitCode()).isEqualTo(1);
    assertThat(own.err()).isEqualTo("error: nobody approves or denies their own request\n");

    JsonNode approved =
        ok(carol.run("requests", "approve", id, "--comment", "ok", "-o", "json")).json();
    assertThat(approved.get("status").asText()).isEqualTo("APPROVED");
    assertThat(ok(bob.run("requests", "show", id)).out()).contains("APPROVED").contains("carol");
    JsonNode cancelled = ok(bob.run("requests", "cancel", id, "-o", "json")).json();
    assertThat(cancelled.get("status").asText()).isEqualTo("CANCELLED");
    KpamCli.Result again = carol.run("requests", "deny", id);
    assertThat(again.err()).isEqualTo("error: request " + id + " is already CANCELLED\n");
  }

  @Test
  void accessWaitingForApprovalEndsWhenTheRequestExpires() throws Exception {
    String account = account();
    ok(
        admin.run(
            "accounts",
            "update",
            "--resource",
            "prod",
            "--name",
            account,
            "--request-timeout",
            "10m"));
    CompletableFuture<KpamCli.Result> access =
        CompletableFuture.supplyAsync(
            () ->
                bob.run(
                    "k8s",
                    "access",
                    "--resource",
                    "prod",
                    "--account",
                    account,
                    "--reason",
                    "look",
                    "--kubeconfig-out",
                    temp.resolve(account + "-kubeconfig").toString()));
    String[] id = {null};
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              JsonNode mine =
                  ok(bob.run("requests", "list", "--mine", "--pending", "-o", "json")).json();
              for (JsonNode request : mine) {
                if (request.get("account").asText().equals(account))
                  id[0] = request.get("id").asText();
              }
              return id[0] != null;
            });

    clock.advance(Duration.ofMinutes(11));

    KpamCli.Result result = access.get(60, TimeUnit.SECONDS);
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            "Account prod/"
                + account
                + " requires approval: request "
                + id[0]
                + " is waiting for approval by carol (Ctrl-C cancels it).");
    assertThat(result.err())
        .isEqualTo("error: request " + id[0] + " expired: no decision within 10m\n");
  }

  @Test
  void accessWithoutAReasonOnAnAccountThatNeedsApprovalSaysWhatToGive() {
    String account = account();
    KpamCli.Result result =
        bob.run(
            "k8s",
            "access",
            "--resource",
            "prod",
            "--account",
            account,
            "--kubeconfig-out",
            temp.resolve(account + "-kubeconfig").toString());
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "error: account prod/"
                + account
                + " requires approval: give --reason TEXT for the"
                + " approvers (or --request ID of an approved request)\n");
  }

  /** A new account on prod that requires carol's approval; bob may use it. */
  private String account() {
    String name = "acct" + NEXT.incrementAndGet();
    ok(
        admin.runWithInput(
            "a-service-account-token\n",
            "accounts",
            "create",
            "--resource",
            "prod",
            "--name",
            name,
            "--token-file",
            "-",
            "--requires-approval",
            "--approvers",
            "carol"));
    ok(admin.run("accounts", "grant", "--resource", "prod", "--name", name, "--user", "bob"));
    return name;
  }

  private KpamCli member(String name) {
    ok(
        admin.runWithInput(
            PASSWORD, "users", "create", "--name", name, "--role", "member", "--password-stdin"));
    KpamCli cli = new KpamCli(temp.resolve(name));
    ok(cli.runWithInput(PASSWORD + "\n", login(name)));
    return cli;
  }

  private String[] login(String user) {
    return new String[] {"login", "--server", url, "--user", user, "--password-stdin"};
  }

  private static KpamCli.Result ok(KpamCli.Result result) {
    assertThat(result.exitCode()).as(result.all()).isZero();
    return result;
  }
}
