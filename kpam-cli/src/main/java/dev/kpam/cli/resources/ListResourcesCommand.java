package dev.kpam.cli.resources;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.resources.ResourceView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", description = "List the resources you may use (admins: all).")
final class ListResourcesCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Override
  public Integer call() {
    api.printList(
        api.client()
            .list(ResourcesCommand.PATH, Query.empty(), ResourceView.class, Integer.MAX_VALUE),
        ResourcesCommand.TABLE);
    return 0;
  }
}
