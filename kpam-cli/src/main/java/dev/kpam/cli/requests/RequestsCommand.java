package dev.kpam.cli.requests;

import dev.kpam.cli.CommandGroup;
import dev.kpam.cli.Table;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.approvals.AccessRequestView;
import picocli.CommandLine.Command;

/** {@code kpam requests}: asking for access to accounts that require approval, and deciding. */
@Command(
    name = "requests",
    description =
        "Ask for access to an account that requires approval; list, approve, deny and cancel"
            + " requests.",
    subcommands = {
      CreateRequestCommand.class,
      ListRequestsCommand.class,
      ShowRequestCommand.class,
      ApproveRequestCommand.class,
      DenyRequestCommand.class,
      CancelRequestCommand.class
    })
public final class RequestsCommand extends CommandGroup {
  public static final String PATH = "/api/v1/requests";

  static final Table<AccessRequestView> TABLE =
      new Table<AccessRequestView>()
          .column("ID", AccessRequestView::id)
          .column("USER", AccessRequestView::user)
          .column("ACCOUNT", r -> r.resource() + "/" + r.account())
          .column("DURATION", AccessRequestView::duration)
          .column("STATUS", AccessRequestView::status)
          .column("APPROVALS", RequestsCommand::approvals)
          .column("CREATED", AccessRequestView::createdAt)
          .column("REASON", AccessRequestView::reason);

  /** Every field, for {@code requests show}. */
  static final Table<AccessRequestView> DETAILS =
      new Table<AccessRequestView>()
          .column("ID", AccessRequestView::id)
          .column("USER", AccessRequestView::user)
          .column("ACCOUNT", r -> r.resource() + "/" + r.account())
          .column("DURATION", AccessRequestView::duration)
          .column("REASON", AccessRequestView::reason)
          .column("STATUS", AccessRequestView::status)
          .column("APPROVERS", RequestsCommand::approvers)
          .column("APPROVALS", RequestsCommand::approvals)
          .column("CREATED", AccessRequestView::createdAt)
          .column("PENDING UNTIL", AccessRequestView::pendingUntil)
          .column("APPROVED", AccessRequestView::approvedAt)
          .column("ACCESS UNTIL", AccessRequestView::accessUntil)
          .column("DECIDED BY", AccessRequestView::decidedBy)
          .column("COMMENT", AccessRequestView::comment);

  /** "1/2": approvals so far of those needed. */
  static String approvals(AccessRequestView request) {
    long approved = request.reviews().stream().filter(r -> r.decision().equals("APPROVED")).count();
    return approved + "/" + request.approvalsNeeded();
  }

  /** Who decides, for people: "carol, dave" or "an admin". */
  public static String approvers(AccessRequestView request) {
    return request.approvers().isEmpty() ? "an admin" : String.join(", ", request.approvers());
  }

  public static String path(String id) {
    return PATH + "/" + Query.encode(id);
  }
}
