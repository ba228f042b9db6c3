package dev.kpam.server.relays;

import dev.kpam.protocol.ItemList;
import dev.kpam.protocol.relays.CreateRelayRequest;
import dev.kpam.protocol.relays.RelayEnrollRequest;
import dev.kpam.protocol.relays.RenewRelayCertificateRequest;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.http.Requests;
import dev.kpam.server.sessions.Sessions;
import io.javalin.Javalin;

/**
 * {@code /api/v1/relays} for admins and {@code /api/v1/relay/*} for standalone relays themselves
 * (enrollment, renewal, and whether a session may pass).
 */
public final class RelayRoutes {
  private RelayRoutes() {}

  public static void register(
      Javalin app, Authenticator auth, Relays relays, Sessions sessions, Requests requests) {
    app.post(
        "/api/v1/relays",
        ctx -> {
          var admin = auth.admin(ctx);
          CreateRelayRequest request = requests.body(ctx, CreateRelayRequest.class);
          ctx.status(201).json(relays.create(request.name(), admin.actor()));
        });
    app.get(
        "/api/v1/relays",
        ctx -> {
          auth.admin(ctx);
          ctx.json(new ItemList<>(relays.list()));
        });
    app.delete(
        "/api/v1/relays/{name}",
        ctx -> {
          var admin = auth.admin(ctx);
          relays.delete(ctx.pathParam("name"), admin.actor());
          ctx.status(204);
        });

    app.post(
        "/api/v1/relay/enroll",
        ctx ->
            ctx.json(
                relays.enroll(
                    requests.body(ctx, RelayEnrollRequest.class), Requests.sourceAddress(ctx))));
    app.post(
        "/api/v1/relay/certificate",
        ctx -> {
          RelayPrincipal relay = relays.authenticate(ctx);
          ctx.json(relays.renew(relay, requests.body(ctx, RenewRelayCertificateRequest.class)));
        });
    app.get(
        "/api/v1/relay/sessions/{id}/admission",
        ctx -> {
          RelayPrincipal relay = relays.authenticate(ctx);
          String gateway = Requests.stringParam(ctx, "gateway");
          if (gateway == null) {
            throw ApiException.invalid(
                "gateway", "missing", "the gateway id of the session certificate");
          }
          sessions.admission(relay.actor(), ctx.pathParam("id"), gateway);
          ctx.status(204);
        });
  }
}
