package dev.kpam.cli;

import dev.kpam.cli.access.K8sCommand;
import dev.kpam.cli.access.StaleAccessRepair;
import dev.kpam.cli.accounts.AccountsCommand;
import dev.kpam.cli.audit.AuditCommand;
import dev.kpam.cli.gateways.GatewaysCommand;
import dev.kpam.cli.login.LoginCommand;
import dev.kpam.cli.login.LogoutCommand;
import dev.kpam.cli.relays.RelaysCommand;
import dev.kpam.cli.requests.RequestsCommand;
import dev.kpam.cli.resources.ResourcesCommand;
import dev.kpam.cli.sessions.SessionsCommand;
import dev.kpam.cli.users.UsersCommand;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The admin and scripting commands of the {@code kpam} executable, ready to hang under its root.
 * Commands, mixins and converters get the {@link CliEnvironment} through a constructor taking it;
 * every other class is made by picocli's default factory.
 *
 * <pre>{@code
 * CommandLine root = new CommandLine(new Root(), CliCommands.factory(env));
 * CliCommands.addTo(root, env);
 * int exitCode = root.execute(args);
 * }</pre>
 */
public final class CliCommands {
  /** The exit code of a command that failed (usage errors exit with picocli's 2). */
  public static final int FAILURE = 1;

  private static final List<Class<?>> COMMANDS =
      List.of(
          LoginCommand.class,
          LogoutCommand.class,
          UsersCommand.class,
          GatewaysCommand.class,
          RelaysCommand.class,
          ResourcesCommand.class,
          AccountsCommand.class,
          SessionsCommand.class,
          RequestsCommand.class,
          K8sCommand.class,
          AuditCommand.class);

  private CliCommands() {}

  /** The top-level command classes, for a caller that registers only some of them. */
  public static List<Class<?>> commands() {
    return COMMANDS;
  }

  /**
   * A factory that hands {@code env} to every class with a {@code (CliEnvironment)} constructor.
   */
  public static IFactory factory(CliEnvironment env) {
    IFactory fallback = CommandLine.defaultFactory();
    return new IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        Constructor<K> constructor;
        try {
          constructor = type.getDeclaredConstructor(CliEnvironment.class);
        } catch (NoSuchMethodException e) {
          return fallback.create(type);
        }
        constructor.setAccessible(true);
        try {
          return constructor.newInstance(env);
        } catch (InvocationTargetException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
    };
  }

  /**
   * Adds the commands to {@code root} (made with {@link #factory}), and sets, for everything
   * registered so far: {@code -h, --help} on every command that has no help option of its own,
   * output to {@code env}'s writers, case-insensitive enum values, and errors printed as {@code
   * error: <message>} with exit code 1. Before any command runs, what killed {@code kpam k8s
   * access} runs left behind is cleaned up ({@link StaleAccessRepair}).
   */
  public static void addTo(CommandLine root, CliEnvironment env) {
    addTo(root, env, command -> true);
  }

  /**
   * {@link #addTo(CommandLine, CliEnvironment)} with only the top-level commands {@code wanted}.
   */
  public static void addTo(CommandLine root, CliEnvironment env, Predicate<Class<?>> wanted) {
    COMMANDS.stream().filter(wanted).forEach(root::addSubcommand);
    addHelpOption(root);
    CommandLine.IExecutionStrategy strategy = root.getExecutionStrategy();
    root.setExecutionStrategy(
        parseResult -> {
          StaleAccessRepair.run(env);
          return strategy.execute(parseResult);
        });
    root.setOut(env.stdout());
    root.setErr(env.stderr());
    root.setCaseInsensitiveEnumValuesAllowed(true);
    root.setExecutionExceptionHandler(errorHandler(env));
  }

  /**
   * Added here rather than in each {@code @Command}, so that no command can miss it; commands that
   * declare {@code mixinStandardHelpOptions} keep theirs (with {@code -V}).
   */
  private static void addHelpOption(CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    if (spec.options().stream().noneMatch(OptionSpec::usageHelp)) {
      spec.addOption(
          OptionSpec.builder("-h", "--help")
              .usageHelp(true)
              .description("Show this help message and exit.")
              .build());
    }
    command.getSubcommands().values().forEach(CliCommands::addHelpOption);
  }

  private static IExecutionExceptionHandler errorHandler(CliEnvironment env) {
    return (e, commandLine, parseResult) -> {
      env.stdout().flush();
      env.stderr().println("error: " + message(e));
      if (!(e instanceof CliException) && env.variables().containsKey("KPAM_DEBUG")) {
        e.printStackTrace(env.stderr());
      }
      env.stderr().flush();
      return FAILURE;
    };
  }

  private static String message(Exception e) {
    if (e instanceof CliException) {
      return e.getMessage();
    }
    String detail = e.getMessage() == null ? "" : ": " + e.getMessage();
    return "unexpected "
        + e.getClass().getSimpleName()
        + detail
        + " (set KPAM_DEBUG=1 for details)";
  }
}
