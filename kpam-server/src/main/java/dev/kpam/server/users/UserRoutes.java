package dev.kpam.server.users;

import dev.kpam.protocol.ItemList;
import dev.kpam.protocol.users.CreateUserRequest;
import dev.kpam.protocol.users.UpdateUserRequest;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.http.Requests;
import io.javalin.Javalin;

/** {@code /api/v1/users} (admins only). */
public final class UserRoutes {
  private UserRoutes() {}

  public static void register(Javalin app, Authenticator auth, Users users, Requests requests) {
    app.post(
        "/api/v1/users",
        ctx -> {
          var admin = auth.admin(ctx);
          ctx.status(201)
              .json(users.create(requests.body(ctx, CreateUserRequest.class), admin.actor()));
        });
    app.get(
        "/api/v1/users",
        ctx -> {
          auth.admin(ctx);
          ctx.json(new ItemList<>(users.list()));
        });
    app.get(
        "/api/v1/users/{name}",
        ctx -> {
          auth.admin(ctx);
          ctx.json(users.get(ctx.pathParam("name")));
        });
    app.patch(
        "/api/v1/users/{name}",
        ctx -> {
          var admin = auth.admin(ctx);
          ctx.json(
              users.update(
                  ctx.pathParam("name"),
                  requests.body(ctx, UpdateUserRequest.class),
                  admin.actor()));
        });
    app.delete(
        "/api/v1/users/{name}",
        ctx -> {
          var admin = auth.admin(ctx);
          users.delete(ctx.pathParam("name"), admin.actor());
          ctx.status(204);
        });
  }
}
