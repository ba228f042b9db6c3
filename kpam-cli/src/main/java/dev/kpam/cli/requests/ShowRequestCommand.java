package dev.kpam.cli.requests;

import dev.kpam.cli.ApiOptions;
import dev.kpam.protocol.approvals.AccessRequestView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "Show an access request with its approvals.")
final class ShowRequestCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Parameters(paramLabel = "ID", description = "The request id.")
  String id;

  @Override
  public Integer call() {
    api.printOne(
        api.client().get(RequestsCommand.path(id), AccessRequestView.class),
        RequestsCommand.DETAILS);
    return 0;
  }
}
