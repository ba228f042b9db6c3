package dev.kpam.server.sessions;

import dev.kpam.protocol.ItemList;
import dev.kpam.protocol.sessions.CreateSessionRequest;
import dev.kpam.protocol.sessions.EndSessionRequest;
import dev.kpam.protocol.sessions.SessionEventBatch;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.gateways.Gateways;
import dev.kpam.server.http.Requests;
import io.javalin.Javalin;

/** {@code /api/v1/sessions} for people and {@code /api/v1/gateway/sessions} for gateways. */
public final class SessionRoutes {
  private static final EndSessionRequest NO_REASON = new EndSessionRequest(null);

  private SessionRoutes() {}

  public static void register(
      Javalin app, Authenticator auth, Gateways gateways, Sessions sessions, Requests requests) {
    app.post(
        "/api/v1/sessions",
        ctx -> {
          var me = auth.user(ctx);
          CreateSessionRequest request = requests.body(ctx, CreateSessionRequest.class);
          ctx.status(201)
              .json(sessions.create(me, request, Requests.sourceAddress(ctx), ctx.userAgent()));
        });
    app.get(
        "/api/v1/sessions",
        ctx -> {
          var me = auth.user(ctx);
          Sessions.Filter filter =
              new Sessions.Filter(
                  Requests.stringParam(ctx, "user"),
                  Requests.stringParam(ctx, "resource"),
                  Requests.stringParam(ctx, "account"),
                  Requests.stringParam(ctx, "status"),
                  Requests.instantParam(ctx, "since"),
                  Requests.instantParam(ctx, "until"));
          ctx.json(new ItemList<>(sessions.list(me, filter, Requests.page(ctx))));
        });
    app.get(
        "/api/v1/sessions/{id}",
        ctx -> ctx.json(sessions.get(auth.user(ctx), ctx.pathParam("id"))));
    app.post(
        "/api/v1/sessions/{id}/end",
        ctx -> {
          var me = auth.user(ctx);
          String reason = requests.optionalBody(ctx, EndSessionRequest.class, NO_REASON).reason();
          ctx.json(sessions.end(me, ctx.pathParam("id"), reason));
        });
    app.post(
        "/api/v1/sessions/{id}/terminate",
        ctx -> {
          var admin = auth.admin(ctx);
          String reason = requests.optionalBody(ctx, EndSessionRequest.class, NO_REASON).reason();
          ctx.json(sessions.terminate(admin, ctx.pathParam("id"), reason));
        });

    app.get(
        "/api/v1/gateway/sessions/{id}",
        ctx -> ctx.json(sessions.lookup(gateways.authenticate(ctx), ctx.pathParam("id"))));
    app.post(
        "/api/v1/gateway/sessions/{id}/events",
        ctx -> {
          var gateway = gateways.authenticate(ctx);
          SessionEventBatch batch = requests.body(ctx, SessionEventBatch.class);
          ctx.json(sessions.upload(gateway, ctx.pathParam("id"), batch));
        });
  }
}
