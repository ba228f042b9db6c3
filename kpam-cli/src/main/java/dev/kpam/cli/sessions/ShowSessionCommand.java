package dev.kpam.cli.sessions;

import dev.kpam.cli.ApiOptions;
import dev.kpam.protocol.sessions.SessionView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "Show one session.")
final class ShowSessionCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Parameters(paramLabel = "ID", description = "The session id.")
  String id;

  @Override
  public Integer call() {
    SessionView session = api.client().get(SessionsCommand.path(id), SessionView.class);
    api.printOne(session, out -> SessionsCommand.DETAILS.describe(out, session));
    return 0;
  }
}
