package dev.kpam.cli.sessions;

import dev.kpam.cli.CommandGroup;
import dev.kpam.cli.Table;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.sessions.SessionView;
import picocli.CommandLine.Command;

/** {@code kpam sessions}: who used which account when, and ending sessions. */
@Command(
    name = "sessions",
    description =
        "List, show, end and terminate access sessions; read their commands and replay their"
            + " recordings.",
    subcommands = {
      ListSessionsCommand.class,
      ShowSessionCommand.class,
      EndSessionCommand.class,
      TerminateSessionCommand.class,
      SessionLogsCommand.class,
      ListRecordingsCommand.class,
      PlayRecordingCommand.class
    })
public final class SessionsCommand extends CommandGroup {
  static final String PATH = "/api/v1/sessions";

  static final Table<SessionView> TABLE =
      new Table<SessionView>()
          .column("ID", SessionView::id)
          .column("USER", SessionView::user)
          .column("RESOURCE", SessionView::resource)
          .column("ACCOUNT", SessionView::account)
          .column("STATUS", SessionsCommand::status)
          .column("CREATED", SessionView::createdAt)
          .column("EXPIRES", SessionView::expiresAt)
          .column("ENDED", SessionView::endedAt);

  /** Every field, for {@code sessions show}. */
  static final Table<SessionView> DETAILS =
      new Table<SessionView>()
          .column("ID", SessionView::id)
          .column("USER", SessionView::user)
          .column("RESOURCE", SessionView::resource)
          .column("ACCOUNT", SessionView::account)
          .column("GATEWAY", SessionView::gateway)
          .column("STATUS", SessionsCommand::status)
          .column("REQUEST", SessionView::requestId)
          .column("REASON", SessionView::reason)
          .column("CREATED", SessionView::createdAt)
          .column("FIRST SEEN", SessionView::firstSeenAt)
          .column("EXPIRES", SessionView::expiresAt)
          .column("ENDED", SessionView::endedAt)
          .column("END REASON", SessionView::endReason)
          .column("ENDED BY", SessionView::endedBy)
          .column("CLIENT ADDRESS", SessionView::clientAddress)
          .column("CLIENT AGENT", SessionView::clientAgent);

  /** The status, marked when the session broke the glass: "ACTIVE BREAK-GLASS". */
  static String status(SessionView session) {
    return session.breakGlass() ? session.status() + " BREAK-GLASS" : session.status();
  }

  static String path(String id) {
    return PATH + "/" + Query.encode(id);
  }
}
