package dev.kpam.cli.users;

import dev.kpam.cli.CommandGroup;
import dev.kpam.cli.Table;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.users.UserView;
import picocli.CommandLine.Command;

/** {@code kpam users}: people who may log in (admin only). */
@Command(
    name = "users",
    description = "Create, list, update and delete users (admin).",
    subcommands = {
      CreateUserCommand.class,
      ListUsersCommand.class,
      UpdateUserCommand.class,
      DeleteUserCommand.class
    })
public final class UsersCommand extends CommandGroup {
  static final String PATH = "/api/v1/users";

  static String path(String name) {
    return PATH + "/" + Query.encode(name);
  }

  static final Table<UserView> TABLE =
      new Table<UserView>()
          .column("NAME", UserView::name)
          .column("ROLE", UserView::role)
          .column("DISABLED", UserView::disabled)
          .column("CREATED", UserView::createdAt);
}
