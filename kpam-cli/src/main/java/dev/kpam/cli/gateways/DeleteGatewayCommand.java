package dev.kpam.cli.gateways;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliEnvironment;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", description = "Delete a gateway (refused while resources use it).")
final class DeleteGatewayCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "The gateway name.")
  String name;

  private final CliEnvironment env;

  DeleteGatewayCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    ApiOptions.client(env).delete(GatewaysCommand.path(name), Void.class);
    env.stdout().println("Deleted gateway " + name + ".");
    env.stdout().flush();
    return 0;
  }
}
