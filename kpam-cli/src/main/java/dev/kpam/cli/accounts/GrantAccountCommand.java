package dev.kpam.cli.accounts;

import dev.kpam.cli.ApiOptions;
import dev.kpam.protocol.accounts.AccountView;
import dev.kpam.protocol.accounts.GrantRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "grant",
    description =
        "Let a member, or everyone in an identity provider group, use an account (admin).")
final class GrantAccountCommand implements Callable<Integer> {
  @Mixin ApiOptions api;
  @Mixin AccountTarget target;

  @ArgGroup(multiplicity = "1")
  Grantee grantee;

  @Override
  public Integer call() {
    api.printOne(
        api.client()
            .post(target.path() + "/grants", new GrantRequest(grantee.entry()), AccountView.class),
        AccountsCommand.TABLE);
    return 0;
  }
}
