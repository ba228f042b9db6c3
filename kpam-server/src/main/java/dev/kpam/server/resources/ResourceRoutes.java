package dev.kpam.server.resources;

import dev.kpam.protocol.ItemList;
import dev.kpam.protocol.resources.ResourceRequest;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.http.Requests;
import io.javalin.Javalin;

/** {@code /api/v1/resources}. */
public final class ResourceRoutes {
  private ResourceRoutes() {}

  public static void register(
      Javalin app, Authenticator auth, Resources resources, Requests requests) {
    app.post(
        "/api/v1/resources",
        ctx -> {
          var admin = auth.admin(ctx);
          ctx.status(201)
              .json(resources.create(requests.body(ctx, ResourceRequest.class), admin.actor()));
        });
    app.get("/api/v1/resources", ctx -> ctx.json(new ItemList<>(resources.list(auth.user(ctx)))));
    app.get(
        "/api/v1/resources/{name}",
        ctx -> ctx.json(resources.get(auth.user(ctx), ctx.pathParam("name"))));
    app.patch(
        "/api/v1/resources/{name}",
        ctx -> {
          var admin = auth.admin(ctx);
          ctx.json(
              resources.update(
                  ctx.pathParam("name"), requests.body(ctx, ResourceRequest.class), admin.actor()));
        });
    app.delete(
        "/api/v1/resources/{name}",
        ctx -> {
          var admin = auth.admin(ctx);
          resources.delete(ctx.pathParam("name"), admin.actor());
          ctx.status(204);
        });
  }
}
