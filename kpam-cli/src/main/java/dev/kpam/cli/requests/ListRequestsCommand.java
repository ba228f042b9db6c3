package dev.kpam.cli.requests;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliException;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.approvals.AccessRequestView;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "list",
    description =
        "List access requests, pending first (admins: all; members: their own and those they"
            + " approve).")
final class ListRequestsCommand implements Callable<Integer> {
  private static final int MAX = 1000;

  @Mixin ApiOptions api;

  @Option(names = "--mine", description = "Only your own requests.")
  boolean mine;

  @Option(names = "--pending", description = "Only requests waiting for a decision.")
  boolean pending;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      description = "Only requests in this status: pending, approved, denied, cancelled, expired.")
  String status;

  @Option(names = "--resource", paramLabel = "NAME", description = "Only this resource's.")
  String resource;

  @Option(names = "--account", paramLabel = "NAME", description = "Only this account's.")
  String account;

  @Override
  public Integer call() {
    if (pending && status != null) {
      throw new CliException("give --pending or --status, not both");
    }
    Query query =
        Query.empty()
            .with("mine", mine ? "true" : null)
            .with(
                "status",
                pending ? "PENDING" : status == null ? null : status.toUpperCase(Locale.ROOT))
            .with("resource", resource)
            .with("account", account);
    api.printList(
        api.client().list(RequestsCommand.PATH, query, AccessRequestView.class, MAX),
        RequestsCommand.TABLE);
    return 0;
  }
}
