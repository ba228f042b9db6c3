package dev.kpam.server.audit;

import dev.kpam.protocol.ItemList;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.http.Requests;
import io.javalin.Javalin;

/** {@code /api/v1/audit} (admins only). */
public final class AuditRoutes {
  private AuditRoutes() {}

  public static void register(Javalin app, Authenticator auth, AuditLog audit) {
    app.get(
        "/api/v1/audit",
        ctx -> {
          auth.admin(ctx);
          AuditLog.Filter filter =
              new AuditLog.Filter(
                  Requests.stringParam(ctx, "actor"),
                  Requests.stringParam(ctx, "action"),
                  Requests.stringParam(ctx, "target"),
                  Requests.instantParam(ctx, "since"),
                  Requests.instantParam(ctx, "until"));
          ctx.json(new ItemList<>(audit.list(filter, Requests.page(ctx))));
        });
  }
}
