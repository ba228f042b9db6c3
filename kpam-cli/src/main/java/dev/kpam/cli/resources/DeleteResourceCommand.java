package dev.kpam.cli.resources;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliEnvironment;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "delete",
    description = "Delete a resource and its accounts (admin; refused while sessions are active).")
final class DeleteResourceCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "The resource name.")
  String name;

  private final CliEnvironment env;

  DeleteResourceCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    ApiOptions.client(env).delete(ResourcesCommand.path(name), Void.class);
    env.stdout().println("Deleted resource " + name + ".");
    env.stdout().flush();
    return 0;
  }
}
