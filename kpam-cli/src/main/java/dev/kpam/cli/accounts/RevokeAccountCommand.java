package dev.kpam.cli.accounts;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.accounts.AccountView;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "revoke", description = "Stop a member, or a group, from using an account (admin).")
final class RevokeAccountCommand implements Callable<Integer> {
  @Mixin ApiOptions api;
  @Mixin AccountTarget target;

  @ArgGroup(multiplicity = "1")
  Grantee grantee;

  @Override
  public Integer call() {
    api.printOne(
        api.client()
            .delete(target.path() + "/grants/" + Query.encode(grantee.entry()), AccountView.class),
        AccountsCommand.TABLE);
    return 0;
  }
}
