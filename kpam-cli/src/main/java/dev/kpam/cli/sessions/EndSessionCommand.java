package dev.kpam.cli.sessions;

import dev.kpam.cli.ApiOptions;
import dev.kpam.protocol.sessions.EndSessionRequest;
import dev.kpam.protocol.sessions.SessionView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "end", description = "End a session of yours (admins: any).")
final class EndSessionCommand implements Callable<Integer> {
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
                SessionsCommand.path(id) + "/end",
                new EndSessionRequest(reason),
                SessionView.class);
    api.printOne(session, SessionsCommand.TABLE);
    return 0;
  }
}
