package dev.kpam.cli.users;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.CliException;
import dev.kpam.cli.SecretInput;
import dev.kpam.cli.api.ApiClient;
import dev.kpam.protocol.users.UpdateUserRequest;
import dev.kpam.protocol.users.UserView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kpam users update NAME}: only the options given change; a new password is only read from
 * standard input. The table output starts with a line saying what changed.
 */
@Command(
    name = "update",
    description =
        "Change a user's role, state or password (admin); options not given keep their value.")
final class UpdateUserCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Parameters(paramLabel = "NAME", description = "The user name.")
  String name;

  @Option(names = "--role", paramLabel = "ROLE", description = "admin or member.")
  CreateUserCommand.Role role;

  @ArgGroup(exclusive = true)
  State state;

  static final class State {
    @Option(names = "--disable", description = "Disable the user; this ends their logins.")
    boolean disable;

    @Option(names = "--enable", description = "Let a disabled user log in again.")
    boolean enable;
  }

  @Option(
      names = "--password-stdin",
      description = "Read a new password from standard input; this ends their logins.")
  boolean passwordStdin;

  private final CliEnvironment env;

  UpdateUserCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    if (role == null && state == null && !passwordStdin) {
      throw new CliException(
          "nothing to change; give one or more of --role, --disable, --enable, --password-stdin");
    }
    String password = passwordStdin ? new SecretInput(env).stdin("password") : null;
    ApiClient client = api.client();
    UserView before = client.get(UsersCommand.path(name), UserView.class);
    UpdateUserRequest request =
        new UpdateUserRequest(
            role == null ? null : role.name().toLowerCase(Locale.ROOT),
            state == null ? null : state.disable,
            password);
    UserView after = client.patch(UsersCommand.path(name), request, UserView.class);
    api.printOne(
        after,
        out -> {
          out.println(changes(before, after, password != null));
          UsersCommand.TABLE.print(out, List.of(after));
        });
    return 0;
  }

  private static String changes(UserView before, UserView after, boolean newPassword) {
    List<String> changes = new ArrayList<>();
    if (!before.role().equals(after.role())) {
      changes.add("role " + before.role() + " -> " + after.role());
    }
    if (before.disabled() != after.disabled()) {
      changes.add(after.disabled() ? "disabled (their logins ended)" : "enabled");
    }
    if (newPassword) {
      changes.add("new password (their logins ended)");
    }
    return changes.isEmpty()
        ? "User " + after.name() + " was already like that; nothing changed."
        : "Updated user " + after.name() + ": " + String.join(", ", changes) + ".";
  }
}
