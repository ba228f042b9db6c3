package dev.kpam.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Runs CLI commands in-process under a bare root, with a config dir and captured output. */
final class CliRunner {
  @Command(name = "kpam")
  static final class Root extends CommandGroup {}

  record Result(int exitCode, String out, String err) {}

  private final Path configDir;
  private final Clock clock;

  CliRunner(Path configDir, Clock clock) {
    this.configDir = configDir;
    this.clock = clock;
  }

  Result run(String... args) {
    return runWithInput("", args);
  }

  Result runWithInput(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CliEnvironment env =
        new CliEnvironment(
            configDir,
            Map.of(),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintWriter(out),
            new PrintWriter(err),
            clock,
            PasswordPrompt.NONE);
    CommandLine root = new CommandLine(new Root(), CliCommands.factory(env));
    CliCommands.addTo(root, env);
    int code = root.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
