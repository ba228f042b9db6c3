package dev.kpam.cli.relays;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliEnvironment;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "delete",
    description = "Delete a relay: its credential stops working, so it admits no session.")
final class DeleteRelayCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "The relay name.")
  String name;

  private final CliEnvironment env;

  DeleteRelayCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    ApiOptions.client(env).delete(RelaysCommand.path(name), Void.class);
    env.stdout().println("Deleted relay " + name + ".");
    env.stdout().flush();
    return 0;
  }
}
