package dev.kpam.cli.accounts;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.accounts.AccountView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List the accounts you may use (admins: all).")
final class ListAccountsCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Option(names = "--resource", paramLabel = "NAME", description = "Only this resource's accounts.")
  String resource;

  @Override
  public Integer call() {
    String path = resource == null ? "/api/v1/accounts" : AccountsCommand.accounts(resource);
    api.printList(
        api.client().list(path, Query.empty(), AccountView.class, Integer.MAX_VALUE),
        AccountsCommand.TABLE);
    return 0;
  }
}
