package dev.kpam.cli.sessions;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.LimitArgument;
import dev.kpam.cli.TimeArgument;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.sessions.SessionView;
import java.time.Instant;
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

  @Option(
      names = "--since",
      paramLabel = "TIME",
      converter = TimeArgument.class,
      description =
          "Only sessions created at or after TIME (2026-11-28T12:00:00Z, 2026-11-28, 2h).")
  Instant since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      converter = TimeArgument.class,
      description = "Only sessions created before TIME.")
  Instant until;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      converter = LimitArgument.class,
      description = "Show at most N sessions (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    Query query =
        Query.empty()
            .with("user", user)
            .with("resource", resource)
            .with("account", account)
            .with("status", status == null ? null : status.toUpperCase(Locale.ROOT))
            .with("since", since)
            .with("until", until);
    api.printList(
        api.client().list(SessionsCommand.PATH, query, SessionView.class, limit),
        SessionsCommand.TABLE);
    return 0;
  }
}
