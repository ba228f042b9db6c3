package dev.kpam.cli.users;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliEnvironment;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kpam users delete NAME}: the server refuses yourself and the last enabled admin. */
@Command(
    name = "delete",
    description =
        "Delete a user and their API tokens and grants (admin); their sessions stay in the"
            + " history.")
final class DeleteUserCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "The user name.")
  String name;

  private final CliEnvironment env;

  DeleteUserCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    ApiOptions.client(env).delete(UsersCommand.path(name), Void.class);
    env.stdout().println("Deleted user " + name + ".");
    env.stdout().flush();
    return 0;
  }
}
