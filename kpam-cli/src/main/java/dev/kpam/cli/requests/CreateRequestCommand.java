package dev.kpam.cli.requests;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliEnvironment;
import dev.kpam.protocol.approvals.AccessRequestView;
import dev.kpam.protocol.approvals.CreateAccessRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "create",
    description =
        "Ask for access to an account that requires approval; prints the request's id. Once"
            + " approved, kpam k8s access opens sessions under it.")
final class CreateRequestCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Option(names = "--resource", required = true, paramLabel = "R", description = "The resource.")
  String resource;

  @Option(names = "--account", required = true, paramLabel = "A", description = "The account.")
  String account;

  @Option(
      names = "--duration",
      paramLabel = "D",
      description = "How long the access lasts once approved, e.g. 1h (default 1h).")
  String duration;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "Why, for the approvers.")
  String reason;

  private final CliEnvironment env;

  CreateRequestCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    AccessRequestView request =
        api.client()
            .post(
                RequestsCommand.PATH,
                new CreateAccessRequest(resource, account, duration, reason),
                AccessRequestView.class);
    api.printOne(
        request,
        out -> {
          // The id alone on stdout, for ID=$(kpam requests create ...); the rest is for people.
          out.println(request.id());
          env.stderr()
              .println(
                  "Request "
                      + request.id()
                      + " is waiting for approval by "
                      + RequestsCommand.approvers(request)
                      + ".");
          env.stderr().flush();
        });
    return 0;
  }
}
