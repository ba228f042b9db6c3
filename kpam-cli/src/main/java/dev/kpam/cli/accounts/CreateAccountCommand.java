package dev.kpam.cli.accounts;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.SecretInput;
import dev.kpam.protocol.accounts.AccountRequest;
import dev.kpam.protocol.accounts.AccountView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "create", description = "Store a service-account token as an account (admin).")
final class CreateAccountCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Mixin AccountTarget target;

  @Option(
      names = "--token-file",
      required = true,
      paramLabel = "FILE",
      description = "File with the service-account token, or - for standard input.")
  String tokenFile;

  @Mixin AccountSettings settings;

  private final CliEnvironment env;

  CreateAccountCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    String token =
        new SecretInput(env).fileOrStdin("--token-file", tokenFile, "service-account token");
    AccountRequest request =
        new AccountRequest(
            target.name,
            token,
            settings.description,
            settings.maxDuration,
            settings.recordStdin,
            settings.recordingFailurePolicy,
            settings.policy.policy(),
            settings.policy.preset,
            settings.access.access());
    api.printOne(
        api.client().post(AccountsCommand.accounts(target.resource), request, AccountView.class),
        AccountsCommand.TABLE);
    return 0;
  }
}
