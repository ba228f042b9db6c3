package dev.kpam.server.auth;

import dev.kpam.protocol.ItemList;
import dev.kpam.protocol.auth.CreateApiTokenRequest;
import dev.kpam.protocol.auth.LoginRequest;
import dev.kpam.server.http.Requests;
import dev.kpam.server.users.Users;
import io.javalin.Javalin;

/** {@code /api/v1/auth/*} and {@code /api/v1/tokens}. */
public final class AuthRoutes {
  private AuthRoutes() {}

  public static void register(Javalin app, Authenticator auth, Users users, Requests requests) {
    app.post(
        "/api/v1/auth/login",
        ctx -> {
          LoginRequest login = requests.body(ctx, LoginRequest.class);
          ctx.json(auth.login(login.username(), login.password(), Requests.sourceAddress(ctx)));
        });
    app.post(
        "/api/v1/auth/logout",
        ctx -> {
          auth.logout(auth.user(ctx));
          ctx.status(204);
        });
    app.get("/api/v1/auth/whoami", ctx -> ctx.json(users.get(auth.user(ctx).name())));
    app.post(
        "/api/v1/tokens",
        ctx -> {
          Principal me = auth.user(ctx);
          CreateApiTokenRequest request =
              requests.optionalBody(
                  ctx, CreateApiTokenRequest.class, new CreateApiTokenRequest(null, null));
          ctx.status(201).json(auth.createToken(me, request.name(), request.ttl()));
        });
    app.get("/api/v1/tokens", ctx -> ctx.json(new ItemList<>(auth.tokens(auth.user(ctx)))));
    app.delete(
        "/api/v1/tokens/{id}",
        ctx -> {
          auth.revokeToken(auth.user(ctx), ctx.pathParam("id"));
          ctx.status(204);
        });
  }
}
