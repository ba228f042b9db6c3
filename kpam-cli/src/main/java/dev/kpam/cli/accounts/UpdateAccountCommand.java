package dev.kpam.cli.accounts;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.CliException;
import dev.kpam.cli.SecretInput;
import dev.kpam.protocol.accounts.AccountRequest;
import dev.kpam.protocol.accounts.AccountView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kpam accounts update}: only the options given change; the token only with a file. */
@Command(
    name = "update",
    description = "Change an account (admin); options not given keep their value.")
final class UpdateAccountCommand implements Callable<Integer> {
  @Mixin ApiOptions api;
  @Mixin AccountTarget target;
  @Mixin AccountSettings settings;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "File with a new service-account token, or - for standard input.")
  String tokenFile;

  private final CliEnvironment env;

  UpdateAccountCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    if (tokenFile == null && settings.isEmpty()) {
      throw new CliException(
          "nothing to change; give one or more of --token-file, --max-duration, --description,"
              + " --record-stdin, --recording-failure-policy, --policy, --preset,"
              + " --requires-approval, --approvers, --approvals-needed, --request-timeout,"
              + " --break-glass, --break-glass-max, --webhook-url, --webhook-format");
    }
    String token =
        tokenFile == null
            ? null
            : new SecretInput(env).fileOrStdin("--token-file", tokenFile, "service-account token");
    AccountRequest request =
        new AccountRequest(
            null,
            token,
            settings.description,
            settings.maxDuration,
            settings.recordStdin,
            settings.recordingFailurePolicy,
            settings.policy.policy(),
            settings.policy.preset,
            settings.access.access());
    api.printOne(
        api.client().patch(target.path(), request, AccountView.class), AccountsCommand.TABLE);
    return 0;
  }
}
