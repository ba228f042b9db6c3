package dev.kpam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliCommandsTest {
  @TempDir Path configDir;

  private CliRunner cli() {
    return new CliRunner(configDir, Clock.systemUTC());
  }

  @Test
  void aGroupWithoutSubcommandIsAUsageErrorListingTheSubcommands() {
    CliRunner.Result result = cli().run("users");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Missing required subcommand").contains("create", "list");
  }

  @Test
  void anUnknownFlagIsAUsageErrorWithPicocliMessage() {
    CliRunner.Result result = cli().run("users", "list", "--colour");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Unknown option: '--colour'");
  }

  @Test
  void aBadRoleIsAUsageErrorNamingTheChoices() {
    CliRunner.Result result = cli().run("users", "create", "--name", "bob", "--role", "root");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--role").contains("ADMIN, MEMBER");
  }

  @Test
  void aBadDurationIsAUsageError() {
    CliRunner.Result result =
        cli()
            .run(
                "accounts",
                "create",
                "--resource",
                "r",
                "--name",
                "a",
                "--token-file",
                "-",
                "--max-duration",
                "8 hours");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--max-duration").contains("is not a duration");
  }

  @Test
  void commandsNeedALogin() {
    CliRunner.Result result = cli().run("users", "list");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: not logged in; run: kpam login --server URL --user NAME\n");
  }

  @Test
  void noOptionTakesTheAccountTokenItself() {
    for (String command : java.util.List.of("create", "update")) {
      CliRunner.Result result =
          cli()
              .runWithInput(
                  "token",
                  "accounts",
                  command,
                  "--resource",
                  "r",
                  "--name",
                  "a",
                  "--token-file",
                  "-",
                  "--token",
                  "secret");

      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(result.err()).contains("Unknown options: '--token', 'secret'");
    }
  }

  @Test
  void loginWithoutATerminalAsksForPasswordStdin() throws IOException {
    CliRunner.Result result =
        cli().run("login", "--server", "http://127.0.0.1:" + closedPort(), "--user", "alice");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: no terminal to ask for a password; use --password-stdin\n");
  }

  @Test
  void anUnreachableServerIsReportedClearly() throws IOException {
    int port = closedPort();

    CliRunner.Result result =
        cli()
            .runWithInput(
                "secret\n",
                "login",
                "--server",
                "http://127.0.0.1:" + port,
                "--user",
                "alice",
                "--password-stdin");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "error: cannot reach the kpam server at http://127.0.0.1:"
                + port
                + ": connection refused\n");
  }

  @Test
  void aServerThatIsNotAUrlIsRefusedBeforeAnyRequest() {
    CliRunner.Result result =
        cli().runWithInput("pw", "login", "--server", "kpam.example.com", "--password-stdin");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("expected: a URL such as https://kpam.example.com");
  }

  @Test
  void relativeTimesAreCountedBackFromTheClock() {
    Clock clock =
        Clock.fixed(java.time.Instant.parse("2026-11-28T12:00:00Z"), java.time.ZoneOffset.UTC);
    CliEnvironment env =
        new CliEnvironment(
            configDir,
            java.util.Map.of(),
            java.io.InputStream.nullInputStream(),
            new java.io.PrintWriter(java.io.Writer.nullWriter()),
            new java.io.PrintWriter(java.io.Writer.nullWriter()),
            clock,
            PasswordPrompt.NONE);
    TimeArgument time = new TimeArgument(env);

    assertThat(time.convert("90m")).hasToString("2026-11-28T10:30:00Z");
    assertThat(time.convert("2026-11-01")).hasToString("2026-11-01T00:00:00Z");
    assertThat(time.convert("2026-11-28T11:00:00Z")).hasToString("2026-11-28T11:00:00Z");
  }

  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
