package dev.kpam.server.accounts;

import dev.kpam.protocol.ItemList;
import dev.kpam.protocol.accounts.AccountRequest;
import dev.kpam.protocol.accounts.GrantRequest;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.http.Requests;
import io.javalin.Javalin;

/** {@code /api/v1/accounts} and {@code /api/v1/resources/{resource}/accounts}. */
public final class AccountRoutes {
  private static final String ONE = "/api/v1/resources/{resource}/accounts/{name}";

  private AccountRoutes() {}

  public static void register(
      Javalin app, Authenticator auth, Accounts accounts, Requests requests) {
    app.get(
        "/api/v1/accounts", ctx -> ctx.json(new ItemList<>(accounts.list(auth.user(ctx), null))));
    app.get(
        "/api/v1/resources/{resource}/accounts",
        ctx -> ctx.json(new ItemList<>(accounts.list(auth.user(ctx), ctx.pathParam("resource")))));
    app.post(
        "/api/v1/resources/{resource}/accounts",
        ctx -> {
          var admin = auth.admin(ctx);
          AccountRequest request = requests.body(ctx, AccountRequest.class);
          ctx.status(201).json(accounts.create(ctx.pathParam("resource"), request, admin.actor()));
        });
    app.get(
        ONE,
        ctx ->
            ctx.json(
                accounts.get(auth.user(ctx), ctx.pathParam("resource"), ctx.pathParam("name"))));
    app.patch(
        ONE,
        ctx -> {
          var admin = auth.admin(ctx);
          AccountRequest request = requests.body(ctx, AccountRequest.class);
          ctx.json(
              accounts.update(
                  ctx.pathParam("resource"), ctx.pathParam("name"), request, admin.actor()));
        });
    app.delete(
        ONE,
        ctx -> {
          var admin = auth.admin(ctx);
          accounts.delete(ctx.pathParam("resource"), ctx.pathParam("name"), admin.actor());
          ctx.status(204);
        });
    app.post(
        ONE + "/grants",
        ctx -> {
          var admin = auth.admin(ctx);
          String user = requests.body(ctx, GrantRequest.class).user();
          ctx.json(
              accounts.grant(
                  ctx.pathParam("resource"), ctx.pathParam("name"), user, admin.actor()));
        });
    app.delete(
        ONE + "/grants/{user}",
        ctx -> {
          var admin = auth.admin(ctx);
          ctx.json(
              accounts.revoke(
                  ctx.pathParam("resource"),
                  ctx.pathParam("name"),
                  ctx.pathParam("user"),
                  admin.actor()));
        });
  }
}
