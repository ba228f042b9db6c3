package dev.kpam.server.gateways;

import dev.kpam.protocol.ItemList;
import dev.kpam.protocol.gateways.CreateGatewayRequest;
import dev.kpam.protocol.gateways.EnrollRequest;
import dev.kpam.protocol.gateways.Heartbeat;
import dev.kpam.protocol.gateways.RenewCertificateRequest;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.http.Requests;
import io.javalin.Javalin;

/**
 * {@code /api/v1/gateways} for admins and {@code /api/v1/gateway/*} for gateways themselves
 * (enrollment, renewal, heartbeat, the push stream).
 */
public final class GatewayRoutes {
  static final String EVENTS_PATH = "/api/v1/gateway/events";

  private GatewayRoutes() {}

  public static void register(
      Javalin app, Authenticator auth, Gateways gateways, GatewayEvents events, Requests requests) {
    app.post(
        "/api/v1/gateways",
        ctx -> {
          var admin = auth.admin(ctx);
          CreateGatewayRequest request = requests.body(ctx, CreateGatewayRequest.class);
          ctx.status(201).json(gateways.create(request.name(), admin.actor()));
        });
    app.get(
        "/api/v1/gateways",
        ctx -> {
          auth.admin(ctx);
          ctx.json(new ItemList<>(gateways.list()));
        });
    app.get(
        "/api/v1/gateways/{name}",
        ctx -> {
          auth.admin(ctx);
          ctx.json(gateways.get(ctx.pathParam("name")));
        });
    app.post(
        "/api/v1/gateways/{name}/enroll-token",
        ctx -> {
          var admin = auth.admin(ctx);
          ctx.status(201).json(gateways.newEnrollToken(ctx.pathParam("name"), admin.actor(), true));
        });
    app.delete(
        "/api/v1/gateways/{name}",
        ctx -> {
          var admin = auth.admin(ctx);
          gateways.delete(ctx.pathParam("name"), admin.actor());
          ctx.status(204);
        });

    app.post(
        "/api/v1/gateway/enroll",
        ctx ->
            ctx.json(
                gateways.enroll(
                    requests.body(ctx, EnrollRequest.class), Requests.sourceAddress(ctx))));
    app.post(
        "/api/v1/gateway/certificate",
        ctx -> {
          GatewayPrincipal gateway = gateways.authenticate(ctx);
          ctx.json(
              gateways.renew(gateway, requests.body(ctx, RenewCertificateRequest.class).csr()));
        });
    app.post(
        "/api/v1/gateway/heartbeat",
        ctx -> {
          GatewayPrincipal gateway = gateways.authenticate(ctx);
          ctx.json(gateways.heartbeat(gateway, requests.body(ctx, Heartbeat.class)));
        });
    // Authenticate before the SSE handler commits a 200: a bad credential gets a JSON 401.
    app.before(
        EVENTS_PATH,
        ctx -> {
          ctx.attribute("gateway", gateways.authenticate(ctx));
          if (!"text/event-stream".equals(ctx.header("Accept"))) {
            throw new ApiException(
                406, "not_acceptable", "this is an event stream: send Accept: text/event-stream");
          }
        });
    app.sse(
        EVENTS_PATH,
        client ->
            events.subscribe(
                client.ctx().attribute("gateway"), client, client.ctx().header("Last-Event-ID")));
  }
}
