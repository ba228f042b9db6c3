package dev.kpam.cli.gateways;

import dev.kpam.cli.ApiOptions;
import dev.kpam.protocol.gateways.CreatedGateway;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code kpam gateways enroll-token NAME}: a new one-time token, for another instance of the
 * gateway (a pool under one name) or to enroll it again; earlier unused ones stop working.
 */
@Command(
    name = "enroll-token",
    description =
        "Make a new enrollment token for a gateway: for another instance of it (each instance"
            + " enrolls with its own) or to enroll it again; earlier unused tokens stop working.")
final class EnrollTokenCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Parameters(paramLabel = "NAME", description = "The gateway name.")
  String name;

  @Override
  public Integer call() {
    CreatedGateway created =
        api.client().post(GatewaysCommand.path(name) + "/enroll-token", null, CreatedGateway.class);
    api.printOne(created, out -> GatewaysCommand.printEnrollment(out, created));
    return 0;
  }
}
