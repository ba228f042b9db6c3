package dev.kpam.cli.requests;

import dev.kpam.cli.ApiOptions;
import dev.kpam.protocol.approvals.AccessRequestView;
import dev.kpam.protocol.approvals.DecisionRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What approve, deny and cancel share: an id, a comment, one call. */
abstract class RequestDecision {
  @Mixin ApiOptions api;

  @Parameters(paramLabel = "ID", description = "The request id.")
  String id;

  @Option(names = "--comment", paramLabel = "TEXT", description = "Shown to the requester.")
  String comment;

  /** POSTs to {@code /api/v1/requests/ID/<action>} and prints the request as it now is. */
  final int decide(String action) {
    AccessRequestView request =
        api.client()
            .post(
                RequestsCommand.path(id) + "/" + action,
                new DecisionRequest(comment),
                AccessRequestView.class);
    api.printOne(request, RequestsCommand.TABLE);
    return 0;
  }
}
