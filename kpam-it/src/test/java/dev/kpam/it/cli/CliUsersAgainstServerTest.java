package dev.kpam.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.server.KpamServer;
import dev.kpam.server.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code kpam users update|delete} against a real server (SQLite, port 0), run in-process. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliUsersAgainstServerTest {
  private static final String ADMIN_PASSWORD = "admin-password-for-tests";
  private static final String MEMBER_PASSWORD = "member-password-for-tests";
  private static final String NEW_PASSWORD = "a-new-password-for-tests";
  private static final AtomicInteger names = new AtomicInteger();

  @TempDir static Path temp;

  private KpamServer server;
  private String url;
  private KpamCli admin;

  @BeforeAll
  void startServerAndLogInAsAdmin() {
    server =
        KpamServer.start(
            ServerConfig.builder()
                .dataDir(temp.resolve("server"))
                .bindHost("127.0.0.1")
                .httpPort(0)
                .relayPort(0)
                .bootstrapPassword(ADMIN_PASSWORD)
                .build());
    url = "http://127.0.0.1:" + server.httpPort();
    admin = new KpamCli(temp.resolve("admin"));
    ok(login(admin, "admin", ADMIN_PASSWORD));
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void updateSaysWhatChangedAndPrintsTheUser() {
    String name = unique("uma");
    KpamCli uma = member(name);

    KpamCli.Result promoted = ok(admin.run("users", "update", name, "--role", "admin"));

    assertThat(promoted.out())
        .startsWith("Updated user " + name + ": role member -> admin.\nNAME")
        .contains(name + " ");
    KpamCli.Result disabled =
        ok(admin.run("users", "update", name, "--disable", "--role", "member"));
    assertThat(disabled.out().lines().findFirst())
        .contains(
            "Updated user " + name + ": role admin -> member, disabled (their logins ended).");
    assertThat(uma.run("users", "list").err()).startsWith("error: ");
    KpamCli.Result again = ok(admin.run("users", "update", name, "--disable"));
    assertThat(again.out()).startsWith("User " + name + " was already like that; nothing changed.");
  }

  @Test
  void aNewPasswordComesFromStdinAsJsonAndEndsTheOldLogins() {
    String name = unique("pia");
    KpamCli pia = member(name);

    JsonNode user =
        ok(admin.runWithInput(
                NEW_PASSWORD + "\n", "users", "update", name, "--password-stdin", "-o", "json"))
            .json();

    assertThat(user.path("name").asText()).isEqualTo(name);
    assertThat(user.path("disabled").asBoolean()).isFalse();
    assertThat(pia.run("resources", "list").exitCode()).isEqualTo(1);
    KpamCli fresh = new KpamCli(temp.resolve(unique("cfg")));
    assertThat(login(fresh, name, MEMBER_PASSWORD).exitCode()).isEqualTo(1);
    ok(login(fresh, name, NEW_PASSWORD));
    ok(admin.run("users", "update", name, "--disable"));
    KpamCli.Result enabled = ok(admin.run("users", "update", name, "--enable"));
    assertThat(enabled.out()).startsWith("Updated user " + name + ": enabled.");
  }

  @Test
  void aShortPasswordIsRefusedWithTheServersReason() {
    String name = unique("sam");
    member(name);

    KpamCli.Result result =
        admin.runWithInput("short\n", "users", "update", name, "--password-stdin");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: password: 5 characters (expected: at least 12 characters)\n");
  }

  @Test
  void deleteRemovesTheUserAndTheirLogins() {
    String name = unique("dan");
    KpamCli dan = member(name);

    KpamCli.Result deleted = ok(admin.run("users", "delete", name));

    assertThat(deleted.out()).isEqualTo("Deleted user " + name + ".\n");
    assertThat(ok(admin.run("users", "list")).out()).doesNotContain(name);
    KpamCli.Result stale = dan.run("resources", "list");
    assertThat(stale.exitCode()).isEqualTo(1);
    assertThat(stale.err()).startsWith("error: ");
    KpamCli.Result missing = admin.run("users", "delete", name);
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).isEqualTo("error: user '" + name + "' not found\n");
  }

  @Test
  void adminsCannotDeleteThemselves() {
    KpamCli.Result result = admin.run("users", "delete", "admin");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: you cannot delete yourself; another admin can delete user 'admin'\n");
  }

  private KpamCli.Result login(KpamCli cli, String user, String password) {
    return cli.runWithInput(
        password + "\n", "login", "--server", url, "--user", user, "--password-stdin");
  }

  /** A new member with a known password, logged in with their own config directory. */
  private KpamCli member(String name) {
    ok(
        admin.runWithInput(
            MEMBER_PASSWORD,
            "users",
            "create",
            "--name",
            name,
            "--role",
            "member",
            "--password-stdin"));
    KpamCli cli = new KpamCli(temp.resolve(unique("cfg-" + name)));
    ok(login(cli, name, MEMBER_PASSWORD));
    return cli;
  }

  private static KpamCli.Result ok(KpamCli.Result result) {
    assertThat(result.exitCode()).as("exit code; stderr: %s", result.err()).isZero();
    return result;
  }

  private static String unique(String prefix) {
    return prefix + "-" + names.incrementAndGet();
  }
}
