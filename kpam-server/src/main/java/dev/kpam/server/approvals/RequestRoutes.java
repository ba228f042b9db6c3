package dev.kpam.server.approvals;

import dev.kpam.protocol.ItemList;
import dev.kpam.protocol.approvals.CreateAccessRequest;
import dev.kpam.protocol.approvals.DecisionRequest;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.http.Requests;
import io.javalin.Javalin;

/** {@code /api/v1/requests}: access requests, their approval, denial and cancellation. */
public final class RequestRoutes {
  private static final DecisionRequest NO_COMMENT = new DecisionRequest(null);

  private RequestRoutes() {}

  public static void register(
      Javalin app, Authenticator auth, AccessRequests accessRequests, Requests requests) {
    app.post(
        "/api/v1/requests",
        ctx ->
            ctx.status(201)
                .json(
                    accessRequests.create(
                        auth.user(ctx), requests.body(ctx, CreateAccessRequest.class))));
    app.get(
        "/api/v1/requests",
        ctx -> {
          String mine = Requests.stringParam(ctx, "mine");
          AccessRequests.Filter filter =
              new AccessRequests.Filter(
                  "true".equalsIgnoreCase(mine),
                  Requests.stringParam(ctx, "status"),
                  Requests.stringParam(ctx, "resource"),
                  Requests.stringParam(ctx, "account"));
          ctx.json(new ItemList<>(accessRequests.list(auth.user(ctx), filter, Requests.page(ctx))));
        });
    app.get(
        "/api/v1/requests/{id}",
        ctx -> ctx.json(accessRequests.get(auth.user(ctx), ctx.pathParam("id"))));
    for (String action : java.util.List.of("approve", "deny", "cancel")) {
      app.post(
          "/api/v1/requests/{id}/" + action,
          ctx -> {
            var me = auth.user(ctx);
            String id = ctx.pathParam("id");
            String comment =
                requests.optionalBody(ctx, DecisionRequest.class, NO_COMMENT).comment();
            ctx.json(
                switch (action) {
                  case "approve" -> accessRequests.approve(me, id, comment);
                  case "deny" -> accessRequests.deny(me, id, comment);
                  default -> accessRequests.cancel(me, id, comment);
                });
          });
    }
  }
}
