package dev.kpam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --help} and {@code -h} on every command of the tree, present and future. */
class CommandHelpTest {
  @TempDir Path configDir;

  private CliRunner cli() {
    return new CliRunner(configDir, Clock.systemUTC());
  }

  @Test
  void everyCommandAndGroupPrintsItsUsageForHelpAndExitsZero() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliEnvironment env =
        new CliEnvironment(
            configDir,
            Map.of(),
            InputStream.nullInputStream(),
            new PrintWriter(out),
            new PrintWriter(err),
            Clock.systemUTC(),
            PasswordPrompt.NONE);
    // One tree for all runs: building it costs more than printing a usage.
    CommandLine root = new CommandLine(new CliRunner.Root(), CliCommands.factory(env));
    CliCommands.addTo(root, env);
    List<List<String>> commands = new ArrayList<>();
    collect(root, List.of(), commands);
    assertThat(commands).contains(List.of("users", "update"), List.of("sessions", "list"));

    SoftAssertions softly = new SoftAssertions();
    for (List<String> command : commands) {
      for (String help : List.of("--help", "-h")) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        String[] args = Stream.concat(command.stream(), Stream.of(help)).toArray(String[]::new);
        String line = String.join(" ", args);
        softly.assertThat(root.execute(args)).as("exit code of kpam %s", line).isZero();
        softly
            .assertThat(out.toString())
            .as("stdout of kpam %s", line)
            .startsWith(
                String.join(
                    " ", Stream.concat(Stream.of("Usage: kpam"), command.stream()).toList()));
        softly.assertThat(err.toString()).as("stderr of kpam %s", line).isEmpty();
      }
    }
    softly.assertAll();
  }

  @Test
  void aGroupsHelpListsItsSubcommands() {
    CliRunner.Result result = cli().run("users", "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("Commands:")
        .contains("create", "list", "update", "delete")
        .contains("-h, --help");
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> into) {
    into.add(path);
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommandName().equals(name)) {
                List<String> subPath = new ArrayList<>(path);
                subPath.add(name);
                collect(sub, subPath, into);
              }
            });
  }
}
