package dev.kpam.cli.users;

import dev.kpam.cli.CommandGroup;
import dev.kpam.cli.Table;
import dev.kpam.protocol.users.UserView;
import picocli.CommandLine.Command;

/** {@code kpam users}: people who may log in (admin only). */
@Command(
    name = "users",
    description = "Create and list users (admin).",
    subcommands = {CreateUserCommand.class, ListUsersCommand.class})
public final class UsersCommand extends CommandGroup {
  static final String PATH = "/api/v1/users";

  static final Table<UserView> TABLE =
      new Table<UserView>()
          .column("NAME", UserView::name)
          .column("ROLE", UserView::role)
          .column("DISABLED", UserView::disabled)
          .column("CREATED", UserView::createdAt);
}
