package dev.kpam.server.ui;

import dev.kpam.protocol.approvals.AccessRequestView;
import dev.kpam.server.approvals.AccessRequests;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.http.Requests.Page;
import dev.kpam.server.ui.UiPages.Chrome;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Set;

/**
 * The access requests pages: the list (pending first, polled by htmx so that new requests and
 * decisions appear without reloading), one request with its reviews, and the approve, deny and
 * cancel forms. Who sees and decides what is {@link AccessRequests}'s to say; the page only offers
 * the buttons that can work for the viewer.
 *
 * <pre>{@code
 * RequestPages.register(app, kit, accessRequests);
 * // GET /ui/requests, GET /ui/requests/{id}, POST /ui/requests/{id}/approve
 * }</pre>
 */
public final class RequestPages {
  static final int SHOWN = 100;

  private final UiKit kit;
  private final AccessRequests requests;

  private RequestPages(UiKit kit, AccessRequests requests) {
    this.kit = kit;
    this.requests = requests;
  }

  static void register(Javalin app, UiKit kit, AccessRequests requests) {
    RequestPages pages = new RequestPages(kit, requests);
    app.get("/ui/requests", kit.page(pages::list));
    app.get("/ui/requests/rows", kit.fragment(pages::rows));
    app.get("/ui/requests/{id}", kit.page(pages::show));
    for (String action : List.of("approve", "deny", "cancel")) {
      app.post("/ui/requests/{id}/" + action, kit.page(ctx -> pages.decide(ctx, action)));
    }
  }

  /** The list and the viewer's name, to tell their own requests from those they may decide. */
  public record RequestList(Chrome chrome, List<AccessRequestView> requests) {}

  /**
   * One request: what the viewer may do with it, the error of their last try, what they did. {@code
   * viewer} is how approver lists name the viewer: their name and {@code group:NAME} per group.
   */
  public record RequestDetail(
      Chrome chrome, Set<String> viewer, AccessRequestView request, String error, String done) {
    public boolean own() {
      return request.user().equals(chrome.user());
    }

    private boolean named() {
      return request.approvers().stream().anyMatch(viewer::contains);
    }

    /** The named approvers (or, when none are named, the admins) but never the requester. */
    public boolean mayApprove() {
      boolean approver = request.approvers().isEmpty() ? chrome.admin() : named();
      return !own() && approver && request.pending();
    }

    /** Approvers deny, and an admin always may, while the request allows access or may. */
    public boolean mayDeny() {
      boolean approver = request.approvers().isEmpty() || named();
      return !own()
          && (approver || chrome.admin())
          && (request.pending() || request.status().equals(AccessRequestView.APPROVED));
    }

    public boolean mayCancel() {
      return own() && (request.pending() || request.status().equals(AccessRequestView.APPROVED));
    }

    public long approvals() {
      return request.reviews().stream().filter(r -> r.decision().equals("APPROVED")).count();
    }

    public String approvers() {
      return request.approvers().isEmpty() ? "an admin" : String.join(", ", request.approvers());
    }

    public String path() {
      return "/ui/requests/" + UiFormat.encode(request.id());
    }
  }

  private List<AccessRequestView> visible(Principal me) {
    return requests.list(
        me, new AccessRequests.Filter(false, null, null, null), new Page(SHOWN, 0));
  }

  private void list(Context ctx) {
    Principal me = kit.session.principal(ctx);
    kit.render(ctx, 200, "requests.jte", new RequestList(kit.chrome(ctx, me), visible(me)));
  }

  private void rows(Context ctx) {
    Principal me = kit.session.principal(ctx);
    kit.render(ctx, 200, "requestRows.jte", new RequestList(kit.chrome(ctx, me), visible(me)));
  }

  private void show(Context ctx) {
    Principal me = kit.session.principal(ctx);
    AccessRequestView request = requests.get(me, ctx.pathParam("id"));
    kit.render(
        ctx,
        200,
        "request.jte",
        new RequestDetail(
            kit.chrome(ctx, me),
            requests.approverNames(me),
            request,
            null,
            ctx.queryParam("done")));
  }

  private void decide(Context ctx, String action) {
    Principal me = kit.session.principalForPost(ctx);
    String id = ctx.pathParam("id");
    String comment = UiKit.text(ctx, "comment");
    try {
      AccessRequestView decided =
          switch (action) {
            case "approve" -> requests.approve(me, id, comment);
            case "deny" -> requests.deny(me, id, comment);
            default -> requests.cancel(me, id, comment);
          };
      ctx.redirect(
          "/ui/requests/" + UiFormat.encode(decided.id()) + "?done=" + action,
          HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      if (e.status() == 404 || e.status() == 401) {
        throw e;
      }
      kit.render(
          ctx,
          e.status(),
          "request.jte",
          new RequestDetail(
              kit.chrome(ctx, me),
              requests.approverNames(me),
              requests.get(me, id),
              e.getMessage(),
              null));
    }
  }
}
