package dev.kpam.cli.access;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.CliException;
import dev.kpam.cli.api.ApiClient;
import dev.kpam.cli.api.ApiException;
import dev.kpam.cli.api.Query;
import dev.kpam.cli.kubeconfig.Kubeconfigs;
import dev.kpam.protocol.GoDuration;
import dev.kpam.protocol.mfa.MfaFactorView;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

@Command(
    name = "access",
    description =
        "Open a session to an account of a resource and point kubectl at it until Ctrl-C, expiry"
            + " or termination.")
final class AccessCommand implements Callable<Integer> {
  @Option(names = "--resource", required = true, paramLabel = "R", description = "The resource.")
  String resource;

  @Option(names = "--account", required = true, paramLabel = "A", description = "The account.")
  String account;

  @Option(
      names = "--duration",
      paramLabel = "D",
      converter = DurationText.class,
      description = "How long, e.g. 1h or 30m (default: the server's).")
  String duration;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "The local proxy's port on 127.0.0.1 (default: any free port).")
  int port;

  @Option(
      names = "--reason",
      paramLabel = "TEXT",
      description = "Why, for the record (and for the approvers, where access needs approval).")
  String reason;

  @Option(
      names = "--request",
      paramLabel = "ID",
      description = "Open the session under this approved access request.")
  String request;

  @Option(
      names = "--break-glass",
      description =
          "Open the session at once without approval, where the account allows it; needs --reason"
              + " and notifies the approvers.")
  boolean breakGlass;

  @Option(
      names = "--mfa-code",
      paramLabel = "CODE",
      description =
          "The code of your authenticator app (or a recovery code), for an account that requires a"
              + " second factor (default: asked on the terminal when needed).")
  String mfaCode;

  @Option(
      names = "--kubeconfig-out",
      paramLabel = "FILE",
      description = "Write a kubeconfig of its own there and leave yours alone.")
  Path kubeconfigOut;

  private final CliEnvironment env;

  AccessCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    AccessSession.warmUp();
    Path kubeconfig =
        kubeconfigOut != null
            ? kubeconfigOut.toAbsolutePath()
            : Kubeconfigs.defaultFile(env.variables());
    if (breakGlass && request != null) {
      throw new CliException("give --request or --break-glass, not both");
    }
    if (breakGlass && (reason == null || reason.isBlank())) {
      throw new CliException("--break-glass needs --reason TEXT: it is sent to the approvers");
    }
    ApiClient api = ApiOptions.client(env);
    AccessSettings settings =
        new AccessSettings(
            api,
            resource,
            account,
            duration,
            reason,
            request,
            breakGlass,
            port,
            kubeconfig,
            kubeconfigOut != null,
            env.configDir(),
            env.clock(),
            env.stdout(),
            AccessSettings.POLL_INTERVAL,
            secondFactor(api));
    AccessSession session = open(settings);
    // Ctrl-C: end the session and clean up, then exit 0 (not 130): the user ended it on purpose.
    Thread onCtrlC =
        new Thread(
            () -> {
              session.close();
              env.stdout().println("Session " + session.sessionId() + " ended.");
              env.stdout().flush();
              Runtime.getRuntime().halt(0);
            },
            "kpam-access-ctrl-c");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    Outcome outcome = session.outcome().toCompletableFuture().join();
    try {
      Runtime.getRuntime().removeShutdownHook(onCtrlC);
    } catch (IllegalStateException shuttingDown) {
      return 0; // the hook is running and exits the process
    }
    if (outcome.kind() == Outcome.Kind.ENDED) {
      env.stdout().println(outcome.message());
      env.stdout().flush();
    } else {
      env.stderr().println("error: " + outcome.message());
      env.stderr().flush();
    }
    return outcome.exitCode();
  }

  /**
   * {@code --mfa-code}; else a passkey in the browser where the user has one and no authenticator
   * app; else the terminal (hidden input, like a password), where Enter alone chooses the passkey.
   */
  private SecondFactorPrompt secondFactor(ApiClient api) {
    if (mfaCode != null) {
      return why -> SecondFactorPrompt.Answer.code(mfaCode);
    }
    return why -> {
      env.stderr().println(why);
      env.stderr().flush();
      Set<String> kinds =
          api.list("/api/v1/mfa/factors", Query.empty(), MfaFactorView.class, 10).stream()
              .filter(MfaFactorView::confirmed)
              .map(MfaFactorView::kind)
              .collect(Collectors.toSet());
      boolean passkey = kinds.contains("webauthn");
      if (passkey && !kinds.contains("totp")) {
        return SecondFactorPrompt.Answer.passkey(PasskeyConfirmation.run(api, env));
      }
      char[] typed;
      try {
        typed =
            env.console()
                .readPassword(
                    passkey
                        ? "Code of your authenticator app (Enter alone: your passkey instead): "
                        : "Code of your authenticator app: ");
      } catch (CliException noTerminal) {
        throw new CliException(why + " (no terminal to ask for it: use --mfa-code CODE)");
      }
      if (typed == null || typed.length == 0 || new String(typed).isBlank()) {
        return passkey
            ? SecondFactorPrompt.Answer.passkey(PasskeyConfirmation.run(api, env))
            : null;
      }
      return SecondFactorPrompt.Answer.code(new String(typed).trim());
    };
  }

  /** The session; on an account that requires approval, once a request for it is approved. */
  private AccessSession open(AccessSettings settings) {
    try {
      return AccessSession.start(settings);
    } catch (ApiException e) {
      if (!"approval_required".equals(e.code()) || request != null || breakGlass) {
        throw e;
      }
      String approved =
          new ApprovalWait(settings.api(), env.stdout(), settings.pollInterval())
              .await(resource, account, duration, reason);
      return AccessSession.start(settings.withRequest(approved));
    }
  }

  static final class DurationText implements ITypeConverter<String> {
    @Override
    public String convert(String text) {
      try {
        return GoDuration.format(GoDuration.parse(text));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
