package dev.kpam.cli.requests;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "cancel", description = "Withdraw your access request; its open sessions end.")
final class CancelRequestCommand extends RequestDecision implements Callable<Integer> {
  @Override
  public Integer call() {
    return decide("cancel");
  }
}
