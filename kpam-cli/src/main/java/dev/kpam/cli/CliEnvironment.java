package dev.kpam.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a command may take from the world it runs in. Only {@code main} builds one from the
 * process (environment variables, standard streams, console); tests build their own with a
 * temporary config directory and captured writers.
 *
 * <pre>{@code
 * var env = new CliEnvironment(dir, Map.of(), stdin, out, err, Clock.systemUTC(), PasswordPrompt.NONE);
 * new CommandLine(root, CliCommands.factory(env));
 * }</pre>
 *
 * @param configDir where {@code config.json} lives ({@code KPAM_CONFIG_DIR}, else {@code ~/.kpam})
 * @param variables the full process environment
 * @param stdin what {@code --password-stdin} and {@code --token-file -} read
 * @param stdout where results go
 * @param stderr where errors and warnings go
 * @param clock the time used for local expiry checks and relative times such as {@code --since 2h}
 * @param console asks for a password on the terminal; {@link PasswordPrompt#NONE} when there is
 *     none
 */
public record CliEnvironment(
    Path configDir,
    Map<String, String> variables,
    InputStream stdin,
    PrintWriter stdout,
    PrintWriter stderr,
    Clock clock,
    PasswordPrompt console) {

  /** The variable that overrides the config directory. */
  public static final String CONFIG_DIR_VARIABLE = "KPAM_CONFIG_DIR";

  public CliEnvironment {
    Objects.requireNonNull(configDir, "configDir");
    variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(console, "console");
  }

  /** {@code KPAM_CONFIG_DIR} if set and not blank, else {@code .kpam} in the home directory. */
  public static Path configDir(Map<String, String> variables, Path home) {
    String configured = variables.get(CONFIG_DIR_VARIABLE);
    return configured == null || configured.isBlank()
        ? home.resolve(".kpam")
        : Path.of(configured).toAbsolutePath();
  }
}
