package dev.kpam.cli.requests;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "deny",
    description = "Deny an access request; an approved one is revoked and its sessions end.")
final class DenyRequestCommand extends RequestDecision implements Callable<Integer> {
  @Override
  public Integer call() {
    return decide("deny");
  }
}
