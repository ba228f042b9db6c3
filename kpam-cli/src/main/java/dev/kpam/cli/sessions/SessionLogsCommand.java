package dev.kpam.cli.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliException;
import dev.kpam.cli.api.ApiClient;
import dev.kpam.cli.api.ApiJson;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.sessions.SessionCommand;
import dev.kpam.protocol.sessions.SessionView;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kpam sessions logs ID [--follow] [-o json]}: the kubectl commands of a session, one line
 * each (docs/RECORDING.md §7). Following polls every second; a command is printed once it stopped
 * changing for a poll (its last requests may still be on their way) and following ends when the
 * session is over and two polls brought nothing new.
 */
@Command(
    name = "logs",
    description = "Show the kubectl commands of a session: time, status, duration, command.")
final class SessionLogsCommand implements Callable<Integer> {
  private static final int QUIET_POLLS_AFTER_END = 2;

  @Mixin ApiOptions api;

  @Parameters(paramLabel = "ID", description = "The session id.")
  String id;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new commands until the session is over.")
  boolean follow;

  @Option(
      names = "--poll-interval-ms",
      hidden = true,
      description = "Milliseconds between polls while following.")
  long pollIntervalMs = 1000;

  private final CommandLog log = new CommandLog(ZoneId.systemDefault());

  @Override
  public Integer call() {
    ApiClient client = api.client();
    String path = SessionsCommand.path(id) + "/commands";
    if (!follow) {
      client
          .list(path, Query.empty(), SessionCommand.class, Integer.MAX_VALUE)
          .forEach(this::print);
      return 0;
    }
    Set<String> printed = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    int quiet = 0;
    while (true) {
      // The status first: commands read after it include everything of a session it calls over.
      boolean over =
          !"ACTIVE".equals(client.get(SessionsCommand.path(id), SessionView.class).status());
      List<SessionCommand> commands =
          client.list(path, Query.empty(), SessionCommand.class, Integer.MAX_VALUE);
      boolean news = false;
      for (SessionCommand command : commands) {
        String key = key(command);
        Integer before = seen.put(key, command.requests());
        if (before == null || before != command.requests()) {
          news = true;
        }
        // A watch, logs -f or exec still running is printed once it ends (or the session does).
        boolean settled = before != null && before == command.requests() && command.running() == 0;
        if (!printed.contains(key) && (settled || over)) {
          print(command);
          printed.add(key);
        }
      }
      quiet = news ? 0 : quiet + 1;
      if (over && quiet >= QUIET_POLLS_AFTER_END) {
        return 0;
      }
      pause();
    }
  }

  private static String key(SessionCommand command) {
    if (command.kubectlSession() != null) {
      return "kubectl " + command.kubectlSession();
    }
    return "request "
        + (command.requestIds().isEmpty() ? command.index() : command.requestIds().get(0));
  }

  private void print(SessionCommand command) {
    if (api.json()) {
      try {
        api.out().println(ApiJson.mapper().writeValueAsString(command));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      api.out().println(log.line(command));
    }
    api.out().flush();
  }

  private void pause() {
    try {
      Thread.sleep(pollIntervalMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while following session " + id, e);
    }
  }
}
