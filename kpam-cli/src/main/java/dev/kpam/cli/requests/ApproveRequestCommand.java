package dev.kpam.cli.requests;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "approve", description = "Approve an access request (approvers; never your own).")
final class ApproveRequestCommand extends RequestDecision implements Callable<Integer> {
  @Override
  public Integer call() {
    return decide("approve");
  }
}
