package dev.kpam.cli.accounts;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.accounts.AccountView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "revoke", description = "Stop a member from using an account (admin).")
final class RevokeAccountCommand implements Callable<Integer> {
  @Mixin ApiOptions api;
  @Mixin AccountTarget target;

  @Option(names = "--user", required = true, paramLabel = "NAME", description = "The member.")
  String user;

  @Override
  public Integer call() {
    api.printOne(
        api.client().delete(target.path() + "/grants/" + Query.encode(user), AccountView.class),
        AccountsCommand.TABLE);
    return 0;
  }
}
