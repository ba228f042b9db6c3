package dev.kpam.server.sessions;

import dev.kpam.protocol.ItemList;
import dev.kpam.protocol.sessions.CreateSessionRequest;
import dev.kpam.protocol.sessions.EndSessionRequest;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.gateways.Gateways;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.http.Requests;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code /api/v1/sessions} for people and {@code /api/v1/gateway/sessions} for gateways. */
public final class SessionRoutes {
  private static final EndSessionRequest NO_REASON = new EndSessionRequest(null);

  static final String ASCIICAST = "application/x-asciicast; charset=utf-8";

  private SessionRoutes() {}

  /** One page of a list built whole (a session's commands and recordings are read at once). */
  private static <T> List<T> page(List<T> all, Requests.Page page) {
    int from = (int) Math.min(all.size(), (long) page.offset());
    int to = (int) Math.min(all.size(), (long) from + page.limit());
    return all.subList(from, to);
  }

  private static Long longParam(Context ctx, String name) {
    String text = Requests.stringParam(ctx, name);
    if (text == null) {
      return null;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw ApiException.invalid(name, text, "a whole number");
    }
  }

  public static void register(
      Javalin app,
      Authenticator auth,
      Gateways gateways,
      Sessions sessions,
      SessionHistory history,
      Requests requests) {
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
    app.get(
        "/api/v1/sessions/{id}/commands",
        ctx -> {
          var me = auth.user(ctx);
          Requests.Page page = Requests.page(ctx);
          ctx.json(new ItemList<>(page(history.commands(me, ctx.pathParam("id")), page)));
        });
    app.get(
        "/api/v1/sessions/{id}/events",
        ctx -> {
          var me = auth.user(ctx);
          SessionHistory.EventFilter filter =
              new SessionHistory.EventFilter(
                  Requests.stringParam(ctx, "type"),
                  Requests.stringParam(ctx, "verb"),
                  Requests.stringParam(ctx, "resource"),
                  Requests.stringParam(ctx, "namespace"),
                  Requests.stringParam(ctx, "status"),
                  longParam(ctx, "after"),
                  longParam(ctx, "limit"));
          ctx.json(history.events(me, ctx.pathParam("id"), filter));
        });
    app.get(
        "/api/v1/sessions/{id}/recordings",
        ctx -> {
          var me = auth.user(ctx);
          Requests.Page page = Requests.page(ctx);
          ctx.json(new ItemList<>(page(history.recordings(me, ctx.pathParam("id")), page)));
        });
    app.get(
        "/api/v1/sessions/{id}/recordings/{recordingId}",
        ctx ->
            ctx.contentType(ASCIICAST)
                .result(
                    history
                        .cast(auth.user(ctx), ctx.pathParam("id"), ctx.pathParam("recordingId"))
                        .getBytes(StandardCharsets.UTF_8)));
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
          EventUpload batch = requests.body(ctx, EventUpload.class);
          ctx.json(sessions.upload(gateway, ctx.pathParam("id"), batch));
        });
  }
}
