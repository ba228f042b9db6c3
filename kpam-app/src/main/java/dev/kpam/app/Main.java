package dev.kpam.app;

import dev.kpam.cli.CliCommands;
import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.PasswordPrompt;
import dev.kpam.gateway.GatewayCommand;
import dev.kpam.relay.RelayCommand;
import java.io.Console;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code kpam} executable: one picocli root for the admin and session commands of the CLI and
 * for {@code kpam server}. {@link #main} is the only place that reads the process environment,
 * standard streams and console; {@link #commandLine} takes them as a {@link CliEnvironment}, so
 * tests run the real root in-process.
 *
 * <pre>{@code
 * int exitCode = Main.commandLine(env).execute("users", "list", "-o", "json");
 * }</pre>
 */
@Command(
    name = "kpam",
    mixinStandardHelpOptions = true,
    versionProvider = Main.ManifestVersion.class,
    description = "Just-in-time, recorded access to private Kubernetes clusters.")
public final class Main implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }

  /** The whole command tree, reading and writing only through {@code env}. */
  public static CommandLine commandLine(CliEnvironment env) {
    CommandLine root = new CommandLine(new Main(), CliCommands.factory(env));
    root.addSubcommand(ServerCommand.class);
    root.addSubcommand(GatewayCommand.class);
    root.addSubcommand(RelayCommand.class);
    CliCommands.addTo(root, env);
    return root;
  }

  public static void main(String[] args) {
    Map<String, String> variables = System.getenv();
    Charset charset = Charset.defaultCharset();
    PrintWriter out = writer(System.out, charset);
    PrintWriter err = writer(System.err, charset);
    Console console = System.console();
    PasswordPrompt prompt =
        console == null ? PasswordPrompt.NONE : text -> console.readPassword("%s", text);
    CliEnvironment env =
        new CliEnvironment(
            CliEnvironment.configDir(variables, home(variables)),
            variables,
            System.in,
            out,
            err,
            Clock.systemUTC(),
            prompt);
    int exitCode = commandLine(env).execute(args);
    out.flush();
    err.flush();
    System.exit(exitCode);
  }

  /**
   * {@code $HOME}, as the shell and every other tool read it; Java's {@code user.home} comes from
   * the password database and ignores it (a service started with another HOME, sudo -E).
   */
  static Path home(Map<String, String> variables) {
    String home = variables.get("HOME");
    return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
  }

  private static PrintWriter writer(PrintStream stream, Charset charset) {
    return new PrintWriter(new OutputStreamWriter(stream, charset), true);
  }

  /** {@code kpam <version>} from the jar manifest, or {@code dev} when run from classes. */
  static final class ManifestVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"kpam " + (version == null ? "dev" : version)};
    }
  }
}
