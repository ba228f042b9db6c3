package dev.kpam.cli.gateways;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.gateways.GatewayView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", description = "List gateways and their status.")
final class ListGatewaysCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Override
  public Integer call() {
    api.printList(
        api.client()
            .list(GatewaysCommand.PATH, Query.empty(), GatewayView.class, Integer.MAX_VALUE),
        GatewaysCommand.TABLE);
    return 0;
  }
}
