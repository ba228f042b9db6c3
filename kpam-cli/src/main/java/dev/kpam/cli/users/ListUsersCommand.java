package dev.kpam.cli.users;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.users.UserView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", description = "List users.")
final class ListUsersCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Override
  public Integer call() {
    api.printList(
        api.client().list(UsersCommand.PATH, Query.empty(), UserView.class, Integer.MAX_VALUE),
        UsersCommand.TABLE);
    return 0;
  }
}
