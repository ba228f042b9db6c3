package dev.kpam.cli.sessions;

import dev.kpam.cli.ApiOptions;
import dev.kpam.protocol.sessions.EndSessionRequest;
import dev.kpam.protocol.sessions.SessionView;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What {@code sessions end} and {@code sessions terminate} share: an id, a reason, one call. */
abstract class SessionStop {
  @Mixin ApiOptions api;

  @Parameters(paramLabel = "ID", description = "The session id.")
  String id;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the record.")
  String reason;

  /** POSTs to {@code /api/v1/sessions/ID/<action>} and prints the session as it now is. */
  final int stop(String action) {
    SessionView session =
        api.client()
            .post(
                SessionsCommand.path(id) + "/" + action,
                new EndSessionRequest(reason),
                SessionView.class);
    api.printOne(session, SessionsCommand.TABLE);
    return 0;
  }
}
