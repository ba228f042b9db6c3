package dev.kpam.cli.sessions;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "end", description = "End a session of yours (admins: any).")
final class EndSessionCommand extends SessionStop implements Callable<Integer> {
  @Override
  public Integer call() {
    return stop("end");
  }
}
