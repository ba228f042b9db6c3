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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Stream;
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

  private static final List<Class<?>> SERVICES =
      List.of(ServerCommand.class, GatewayCommand.class, RelayCommand.class);

  /** The whole command tree, reading and writing only through {@code env}. */
  public static CommandLine commandLine(CliEnvironment env) {
    return commandLine(env, new String[0]);
  }

  /**
   * The command tree for {@code args}: when the first argument names a top-level command, only that
   * branch, else all of them (help, a typo). picocli reflects over every option of every command it
   * is given, which was most of the start of a short command (about 350 of the 450 ms of {@code
   * kpam --version}), and {@code kpam k8s access} needs only its own.
   */
  static CommandLine commandLine(CliEnvironment env, String[] args) {
    CommandLine root = new CommandLine(new Main(), CliCommands.factory(env));
    String first = args.length > 0 ? args[0] : "";
    boolean named =
        Stream.concat(SERVICES.stream(), CliCommands.commands().stream())
            .anyMatch(command -> names(command).contains(first));
    Predicate<Class<?>> wanted = command -> !named || names(command).contains(first);
    SERVICES.stream().filter(wanted).forEach(root::addSubcommand);
    CliCommands.addTo(root, env, wanted);
    return root;
  }

  private static List<String> names(Class<?> command) {
    Command annotation = command.getAnnotation(Command.class);
    return Stream.concat(Stream.of(annotation.name()), Arrays.stream(annotation.aliases()))
        .toList();
  }

  public static void main(String[] args) {
    logFormat(args);
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
    int exitCode = commandLine(env, args).execute(args);
    out.flush();
    err.flush();
    System.exit(exitCode);
  }

  /**
   * {@code --log-format json} of {@code kpam server|gateway|relay} (or {@code
   * KPAM_LOG_FORMAT=json}), read before the first logger is made: logback then reads {@code
   * logback-json.xml} instead of {@code logback.xml}. The commands' own option only checks the
   * value and shows it in the help.
   */
  private static void logFormat(String[] args) {
    String format = System.getenv("KPAM_LOG_FORMAT");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--log-format") && i + 1 < args.length) {
        format = args[i + 1];
      } else if (args[i].startsWith("--log-format=")) {
        format = args[i].substring("--log-format=".length());
      }
    }
    if ("json".equals(format) && System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
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
