package dev.kpam.cli.accounts;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliEnvironment;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "delete", description = "Delete an account and its stored token (admin).")
final class DeleteAccountCommand implements Callable<Integer> {
  @Mixin AccountTarget target;

  private final CliEnvironment env;

  DeleteAccountCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    ApiOptions.client(env).delete(target.path(), Void.class);
    env.stdout()
        .println("Deleted account " + target.name + " of resource " + target.resource + ".");
    env.stdout().flush();
    return 0;
  }
}
