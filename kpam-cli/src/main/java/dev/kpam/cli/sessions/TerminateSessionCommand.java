package dev.kpam.cli.sessions;

import dev.kpam.cli.ApiOptions;
import dev.kpam.protocol.sessions.EndSessionRequest;
import dev.kpam.protocol.sessions.SessionView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kpam sessions terminate}: an admin cuts a session off; its connections close at once. */
@Command(name = "terminate", description = "Terminate anyone's session now (admin).")
final class TerminateSessionCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Parameters(paramLabel = "ID", description = "The session id.")
  String id;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the record.")
  String reason;

  @Override
  public Integer call() {
    SessionView session =
        api.client()
            .post(
                SessionsCommand.path(id) + "/terminate",
                new EndSessionRequest(reason),
                SessionView.class);
    api.printOne(session, SessionsCommand.TABLE);
    return 0;
  }
}
