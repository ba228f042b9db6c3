package dev.kpam.cli.accounts;

import dev.kpam.cli.ApiOptions;
import dev.kpam.protocol.accounts.AccountView;
import dev.kpam.protocol.accounts.GrantRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "grant", description = "Let a member use an account (admin).")
final class GrantAccountCommand implements Callable<Integer> {
  @Mixin ApiOptions api;
  @Mixin AccountTarget target;

  @Option(names = "--user", required = true, paramLabel = "NAME", description = "The member.")
  String user;

  @Override
  public Integer call() {
    api.printOne(
        api.client().post(target.path() + "/grants", new GrantRequest(user), AccountView.class),
        AccountsCommand.TABLE);
    return 0;
  }
}
