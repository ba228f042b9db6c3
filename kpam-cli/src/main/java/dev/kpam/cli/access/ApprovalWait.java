package dev.kpam.cli.access;

import dev.kpam.cli.CliException;
import dev.kpam.cli.api.ApiClient;
import dev.kpam.cli.api.Query;
import dev.kpam.cli.api.ServerUnreachableException;
import dev.kpam.cli.requests.RequestsCommand;
import dev.kpam.protocol.approvals.AccessRequestView;
import dev.kpam.protocol.approvals.CreateAccessRequest;
import dev.kpam.protocol.approvals.DecisionRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * What {@code kpam k8s access} does on an account that requires approval: finds the caller's
 * pending request for it or makes one, says who must approve, and waits until it is decided. Ctrl-C
 * while waiting cancels a request it made. Returns the approved request's id; a denial, expiry or
 * cancellation ends the command with the approver's comment.
 *
 * <pre>{@code
 * String approved = new ApprovalWait(api, out, Duration.ofSeconds(2)).await("prod", "admin", "1h", "incident 42");
 * }</pre>
 */
final class ApprovalWait {
  private final ApiClient api;
  private final PrintWriter out;
  private final Duration pollInterval;

  ApprovalWait(ApiClient api, PrintWriter out, Duration pollInterval) {
    this.api = api;
    this.out = out;
    this.pollInterval = pollInterval;
  }

  String await(String resource, String account, String duration, String reason) {
    List<AccessRequestView> pending =
        api.list(
            RequestsCommand.PATH,
            Query.empty()
                .with("mine", "true")
                .with("status", AccessRequestView.PENDING)
                .with("resource", resource)
                .with("account", account),
            AccessRequestView.class,
            1);
    boolean made = pending.isEmpty();
    AccessRequestView request;
    if (made) {
      if (reason == null || reason.isBlank()) {
        throw new CliException(
            "account "
                + resource
                + "/"
                + account
                + " requires approval: give --reason TEXT for the approvers (or --request ID of an"
                + " approved request)");
      }
      request =
          api.post(
              RequestsCommand.PATH,
              new CreateAccessRequest(resource, account, duration, reason),
              AccessRequestView.class);
    } else {
      request = pending.get(0);
    }
    String id = request.id();
    out.println(
        "Account "
            + resource
            + "/"
            + account
            + " requires approval: request "
            + id
            + " is waiting for approval by "
            + RequestsCommand.approvers(request)
            + (made ? " (Ctrl-C cancels it)." : "."));
    out.flush();
    Thread cancelOnCtrlC = new Thread(() -> cancel(id), "kpam-access-cancel-request");
    if (made) {
      Runtime.getRuntime().addShutdownHook(cancelOnCtrlC);
    }
    try {
      AccessRequestView decided = waitForDecision(id);
      if (!decided.status().equals(AccessRequestView.APPROVED)) {
        throw new CliException(refusal(decided));
      }
      out.println(
          "Request "
              + id
              + " approved by "
              + decided.decidedBy()
              + (decided.comment() == null ? "" : ": " + decided.comment())
              + ".");
      out.flush();
      return id;
    } finally {
      if (made) {
        try {
          Runtime.getRuntime().removeShutdownHook(cancelOnCtrlC);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running: it cancels the request
        }
      }
    }
  }

  private AccessRequestView waitForDecision(String id) {
    boolean warned = false;
    while (true) {
      try {
        Thread.sleep(pollInterval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted while waiting for request " + id);
      }
      try {
        AccessRequestView request = api.get(RequestsCommand.path(id), AccessRequestView.class);
        if (!request.pending()) {
          return request;
        }
      } catch (ServerUnreachableException e) {
        if (!warned) {
          out.println("warning: " + e.getMessage() + "; still waiting");
          out.flush();
          warned = true;
        }
      }
    }
  }

  private void cancel(String id) {
    try {
      AccessRequestView request =
          api.post(
              RequestsCommand.path(id) + "/cancel",
              new DecisionRequest("cancelled with Ctrl-C"),
              AccessRequestView.class);
      out.println("Request " + request.id() + " cancelled.");
    } catch (CliException e) {
      out.println("Request " + id + " not cancelled: " + e.getMessage());
    }
    out.flush();
  }

  static String refusal(AccessRequestView request) {
    String comment = request.comment() == null ? "" : ": " + request.comment();
    return switch (request.status()) {
      case AccessRequestView.DENIED ->
          "request " + request.id() + " was denied by " + request.decidedBy() + comment;
      case AccessRequestView.CANCELLED -> "request " + request.id() + " was cancelled" + comment;
      default -> "request " + request.id() + " expired" + comment;
    };
  }
}
