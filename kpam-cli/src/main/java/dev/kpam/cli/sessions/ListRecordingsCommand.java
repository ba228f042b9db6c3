package dev.kpam.cli.sessions;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.Table;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.sessions.RecordingView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "recordings", description = "List the exec and attach recordings of a session.")
final class ListRecordingsCommand implements Callable<Integer> {
  static final Table<RecordingView> TABLE =
      new Table<RecordingView>()
          .column("ID", RecordingView::id)
          .column("POD", r -> r.namespace() == null ? r.pod() : r.namespace() + "/" + r.pod())
          .column("COMMAND", r -> String.join(" ", r.command()))
          .column("STARTED", RecordingView::startedAt)
          .column(
              "DURATION",
              r -> r.durationMs() == null ? "open" : CommandLog.duration(r.durationMs()))
          .column("BYTES", RecordingView::bytes);

  @Mixin ApiOptions api;

  @Parameters(paramLabel = "ID", description = "The session id.")
  String id;

  @Override
  public Integer call() {
    api.printList(
        api.client()
            .list(
                SessionsCommand.path(id) + "/recordings",
                Query.empty(),
                RecordingView.class,
                Integer.MAX_VALUE),
        TABLE);
    return 0;
  }
}
