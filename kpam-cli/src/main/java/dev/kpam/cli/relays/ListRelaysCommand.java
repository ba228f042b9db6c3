package dev.kpam.cli.relays;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.relays.RelayView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", description = "List relays, their status and addresses.")
final class ListRelaysCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Override
  public Integer call() {
    api.printList(
        api.client().list(RelaysCommand.PATH, Query.empty(), RelayView.class, Integer.MAX_VALUE),
        RelaysCommand.TABLE);
    return 0;
  }
}
