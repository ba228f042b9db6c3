package dev.kpam.cli.audit;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.Table;
import dev.kpam.cli.TimeWindow;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.audit.AuditEventView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List audit events, newest first.")
final class ListAuditCommand implements Callable<Integer> {
  private static final Table<AuditEventView> TABLE =
      new Table<AuditEventView>()
          .column("TIME", AuditEventView::time)
          .column("ACTOR", AuditEventView::actor)
          .column("ACTION", AuditEventView::action)
          .column("TARGET", AuditEventView::target)
          .column("SOURCE", AuditEventView::sourceAddress)
          .column("DETAILS", AuditEventView::details);

  @Mixin ApiOptions api;

  @Option(names = "--actor", paramLabel = "NAME", description = "Only what this user did.")
  String actor;

  @Option(
      names = "--action",
      paramLabel = "ACTION",
      description = "Only this action, e.g. auth.login.failed.")
  String action;

  @Option(
      names = "--target",
      paramLabel = "TARGET",
      description = "Only this target, e.g. user:alice.")
  String target;

  @Mixin TimeWindow window;

  @Override
  public Integer call() {
    Query query =
        window
            .applyTo(Query.empty())
            .with("actor", actor)
            .with("action", action)
            .with("target", target);
    api.printList(
        api.client().list("/api/v1/audit", query, AuditEventView.class, window.limit), TABLE);
    return 0;
  }
}
