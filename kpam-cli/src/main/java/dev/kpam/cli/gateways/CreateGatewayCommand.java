package dev.kpam.cli.gateways;

import dev.kpam.cli.ApiOptions;
import dev.kpam.protocol.gateways.CreateGatewayRequest;
import dev.kpam.protocol.gateways.CreatedGateway;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kpam gateways create}: prints the one-time enrollment token and the start command. */
@Command(name = "create", description = "Create a gateway and print its enrollment token.")
final class CreateGatewayCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "The gateway name.")
  String name;

  @Override
  public Integer call() {
    CreatedGateway created =
        api.client()
            .post(GatewaysCommand.PATH, new CreateGatewayRequest(name), CreatedGateway.class);
    api.printOne(created, out -> GatewaysCommand.printEnrollment(out, created));
    return 0;
  }
}
