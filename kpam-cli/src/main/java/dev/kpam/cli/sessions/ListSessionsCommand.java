package dev.kpam.cli.sessions;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.TimeWindow;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.sessions.SessionView;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List sessions, newest first (members: their own).")
final class ListSessionsCommand implements Callable<Integer> {
  @Mixin ApiOptions api;

  @Option(names = "--user", paramLabel = "NAME", description = "Only this user's sessions.")
  String user;

  @Option(
      names = "--resource",
      paramLabel = "NAME",
      description = "Only sessions of this resource.")
  String resource;

  @Option(names = "--account", paramLabel = "NAME", description = "Only sessions of this account.")
  String account;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      description = "Only sessions in this status: active, ended, terminated or expired.")
  String status;

  @Mixin TimeWindow window;

  @Override
  public Integer call() {
    Query query =
        window
            .applyTo(Query.empty())
            .with("user", user)
            .with("resource", resource)
            .with("account", account)
            .with("status", status == null ? null : status.toUpperCase(Locale.ROOT));
    api.printList(
        api.client().list(SessionsCommand.PATH, query, SessionView.class, window.limit),
        SessionsCommand.TABLE);
    return 0;
  }
}
