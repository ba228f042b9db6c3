package dev.kpam.cli.sessions;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code kpam sessions terminate}: an admin cuts a session off; its connections close at once. */
@Command(name = "terminate", description = "Terminate anyone's session now (admin).")
final class TerminateSessionCommand extends SessionStop implements Callable<Integer> {
  @Override
  public Integer call() {
    return stop("terminate");
  }
}
