package dev.kpam.it.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.app.Main;
import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.PasswordPrompt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * One person's {@code kpam}: the real command root run in-process, with its own config directory
 * and captured stdout and stderr.
 *
 * <pre>{@code
 * KpamCli admin = new KpamCli(dir.resolve("admin"));
 * admin.runWithInput("password\n", "login", "--server", url, "--user", "admin", "--password-stdin");
 * }</pre>
 */
final class KpamCli {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path configDir;

  KpamCli(Path configDir) {
    this.configDir = configDir;
  }

  Path configFile() {
    return configDir.resolve("config.json");
  }

  String configText() {
    try {
      return Files.readString(configFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The token saved by login, for tests that call the API directly. */
  String savedToken() {
    try {
      return JSON.readTree(configText()).path("token").asText(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
            Clock.systemUTC(),
            PasswordPrompt.NONE);
    int exitCode = Main.commandLine(env).execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /** What one command did: its exit code and everything it printed. */
  record Result(int exitCode, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("stdout is not JSON: " + out + "\nstderr: " + err, e);
      }
    }

    String all() {
      return out + err;
    }
  }
}
