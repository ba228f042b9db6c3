package dev.kpam.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.PasswordPrompt;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
  @TempDir Path configDir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine root() {
    return Main.commandLine(env());
  }

  private CliEnvironment env() {
    return new CliEnvironment(
        configDir,
        Map.of(),
        InputStream.nullInputStream(),
        new PrintWriter(out),
        new PrintWriter(err),
        Clock.systemUTC(),
        PasswordPrompt.NONE);
  }

  @Test
  void aCommandNamedFirstGetsOnlyItsBranchAndAnythingElseTheWholeTree() {
    assertThat(Main.commandLine(env(), new String[] {"k8s", "access"}).getSubcommands())
        .containsOnlyKeys("k8s", "kubernetes");
    assertThat(Main.commandLine(env(), new String[] {"kubernetes"}).getSubcommands())
        .containsOnlyKeys("k8s", "kubernetes");
    assertThat(Main.commandLine(env(), new String[] {"server"}).getSubcommands())
        .containsOnlyKeys("server");
    assertThat(Main.commandLine(env(), new String[] {"sesions"}).getSubcommands())
        .containsKeys("server", "sessions", "k8s", "audit");
    assertThat(Main.commandLine(env(), new String[] {"--help"}).getSubcommands())
        .containsKeys("server", "sessions", "k8s", "audit");

    int typo = Main.commandLine(env(), new String[] {"sesions"}).execute("sesions");
    assertThat(typo).isEqualTo(2);
    assertThat(err.toString()).contains("Did you mean: kpam sessions");
  }

  @Test
  void theRootHoldsTheServerAndEveryCliCommand() {
    assertThat(root().getSubcommands())
        .containsKeys(
            "server",
            "gateway",
            "relay",
            "login",
            "logout",
            "users",
            "gateways",
            "relays",
            "resources",
            "accounts",
            "sessions",
            "audit");
  }

  @Test
  void aWebhookWithoutASecretOrWithAnUnknownFormatIsRefusedBeforeTheServerStarts() {
    Path dataDir = configDir.resolve("server");
    int noSecret =
        root()
            .execute(
                "server",
                "--data-dir",
                dataDir.toString(),
                "--webhook-url",
                "https://hooks.example/k");
    assertThat(noSecret).isEqualTo(2);
    assertThat(err.toString()).contains("webhook-secret: missing or shorter than 16 bytes");

    int badFormat =
        root()
            .execute(
                "server",
                "--data-dir",
                dataDir.toString(),
                "--webhook-url",
                "https://hooks.example/k",
                "--webhook-secret",
                "sixteen-bytes-or-more",
                "--webhook-format",
                "teams");
    assertThat(badFormat).isEqualTo(2);
    assertThat(err.toString()).contains("webhook-format: 'teams' (expected: json or slack)");
    assertThat(err.toString()).doesNotContain("sixteen-bytes-or-more");
  }

  @Test
  void outsideAJarTheVersionIsDev() {
    assertThat(root().execute("--version")).isZero();
    assertThat(out.toString()).isEqualTo("kpam dev\n");
  }

  @Test
  void noCommandIsAUsageErrorThatListsTheCommands() {
    assertThat(root().execute()).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required subcommand").contains("server", "login");
  }

  @Test
  void everyCommandOfTheExecutablePrintsItsUsageForHelp() {
    CommandLine root = root();
    List<String> commands = new ArrayList<>();
    collect(root, "", commands);
    assertThat(commands).contains("", "server", "gateway", "relay", "users delete");

    SoftAssertions softly = new SoftAssertions();
    for (String command : commands) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      String[] args = (command + " --help").strip().split(" ");
      softly.assertThat(root.execute(args)).as("exit code of kpam %s --help", command).isZero();
      softly
          .assertThat(out.toString())
          .as("stdout of kpam %s --help", command)
          .startsWith(("Usage: kpam " + command).strip() + " ");
      softly.assertThat(err.toString()).as("stderr of kpam %s --help", command).isEmpty();
    }
    softly.assertAll();
  }

  private static void collect(CommandLine command, String path, List<String> into) {
    into.add(path);
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommandName().equals(name)) {
                collect(sub, (path + " " + name).strip(), into);
              }
            });
  }

  @Test
  void theHomeDirectoryIsHomeFromTheEnvironmentNotJavasUserHome() {
    assertThat(Main.home(Map.of("HOME", "/srv/kpam"))).isEqualTo(Path.of("/srv/kpam"));
    assertThat(Main.home(Map.of())).isEqualTo(Path.of(System.getProperty("user.home")));
  }

  @Test
  void theDefaultDataDirsAreUnderHome() {
    String home = System.getenv().getOrDefault("HOME", System.getProperty("user.home"));
    for (String part : new String[] {"server", "gateway", "relay"}) {
      assertThat(root().execute(part, "--help")).isZero();
      assertThat(out.toString()).contains(home + "/.kpam/" + part);
    }
  }

  @Test
  void theConfigDirectoryComesFromTheEnvironmentOrTheHomeDirectory() {
    Path home = Path.of("/home/alice");

    assertThat(CliEnvironment.configDir(Map.of(), home)).isEqualTo(home.resolve(".kpam"));
    assertThat(CliEnvironment.configDir(Map.of("KPAM_CONFIG_DIR", "/etc/kpam"), home))
        .isEqualTo(Path.of("/etc/kpam"));
  }
}
