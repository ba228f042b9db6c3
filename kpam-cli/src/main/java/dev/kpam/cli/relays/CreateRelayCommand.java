package dev.kpam.cli.relays;

import dev.kpam.cli.ApiOptions;
import dev.kpam.protocol.relays.CreateRelayRequest;
import dev.kpam.protocol.relays.CreatedRelay;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code kpam relays create NAME}: prints the one-time enrollment token and the start command. */
@Command(name = "create", description = "Register a relay and print its enrollment token.")
final class CreateRelayCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Parameters(paramLabel = "NAME", description = "The relay name.")
  String name;

  @Override
  public Integer call() {
    CreatedRelay created =
        api.client().post(RelaysCommand.PATH, new CreateRelayRequest(name), CreatedRelay.class);
    api.printOne(created, out -> RelaysCommand.printEnrollment(out, created));
    return 0;
  }
}
