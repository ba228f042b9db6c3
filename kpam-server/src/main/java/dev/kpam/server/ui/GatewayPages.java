package dev.kpam.server.ui;

import dev.kpam.protocol.gateways.CreatedGateway;
import dev.kpam.protocol.gateways.GatewayView;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.gateways.Gateways;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.ui.UiPages.Chrome;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The gateways pages (admins only): status list, create and new enrollment token — both answered
 * with a page that shows the one-time token and the command to start the gateway, the only time it
 * is ever shown — and delete. Public only for the records the precompiled templates import.
 *
 * <pre>{@code
 * GatewayPages.register(app, kit, gateways, clock); // GET /ui/gateways, POST /ui/gateways, ...
 * }</pre>
 */
public final class GatewayPages {
  private final UiKit kit;
  private final Gateways gateways;
  private final Clock clock;

  private GatewayPages(UiKit kit, Gateways gateways, Clock clock) {
    this.kit = kit;
    this.gateways = gateways;
    this.clock = clock;
  }

  static void register(Javalin app, UiKit kit, Gateways gateways, Clock clock) {
    GatewayPages pages = new GatewayPages(kit, gateways, clock);
    app.get("/ui/gateways", kit.page(pages::gatewayList));
    app.get("/ui/gateways/new", kit.page(pages::newGateway));
    app.post("/ui/gateways", kit.page(pages::createGateway));
    app.post("/ui/gateways/{name}/enroll-token", kit.page(pages::newEnrollToken));
    app.get("/ui/gateways/{name}/delete", kit.page(pages::confirmDelete));
    app.post("/ui/gateways/{name}/delete", kit.page(pages::deleteGateway));
  }

  /** One row of the list, with how long ago the last heartbeat came. */
  public record GatewayRow(GatewayView gateway, String heartbeatAgo) {}

  public record GatewayList(Chrome chrome, List<GatewayRow> gateways) {}

  /** The create form with what was typed and the message for the name, if it was refused. */
  public record GatewayEditor(Chrome chrome, String name, String error) {}

  /**
   * The one showing of an enrollment token. {@code created} is true for a new gateway, false for a
   * new token of an existing one.
   */
  public record GatewayEnrollment(Chrome chrome, boolean created, CreatedGateway enrollment) {}

  public record GatewayDelete(Chrome chrome, String name, String error) {}

  private void gatewayList(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    Instant now = clock.instant();
    List<GatewayRow> rows =
        gateways.list().stream()
            .map(
                g ->
                    new GatewayRow(
                        g,
                        g.lastHeartbeatAt() == null
                            ? null
                            : UiFormat.ago(g.lastHeartbeatAt(), now)))
            .toList();
    kit.render(ctx, 200, "gateways.jte", new GatewayList(kit.chrome(ctx, me), rows));
  }

  private void newGateway(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    kit.render(ctx, 200, "gateway-form.jte", new GatewayEditor(kit.chrome(ctx, me), "", null));
  }

  private void createGateway(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    String name = UiKit.text(ctx, "name");
    CreatedGateway created;
    try {
      created = gateways.create(name, me.actor());
    } catch (ApiException e) {
      if (e.status() != 400 && e.status() != 409) {
        throw e;
      }
      kit.render(
          ctx,
          e.status(),
          "gateway-form.jte",
          new GatewayEditor(kit.chrome(ctx, me), name, e.getMessage()));
      return;
    }
    // 201, not a redirect: the token exists only in this answer.
    kit.render(
        ctx, 201, "gateway-enroll.jte", new GatewayEnrollment(kit.chrome(ctx, me), true, created));
  }

  private void newEnrollToken(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    CreatedGateway issued = gateways.newEnrollToken(ctx.pathParam("name"), me.actor(), true);
    kit.render(
        ctx, 201, "gateway-enroll.jte", new GatewayEnrollment(kit.chrome(ctx, me), false, issued));
  }

  private void confirmDelete(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    String name = gateways.get(ctx.pathParam("name")).name();
    kit.render(ctx, 200, "gateway-delete.jte", new GatewayDelete(kit.chrome(ctx, me), name, null));
  }

  private void deleteGateway(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    String name = gateways.get(ctx.pathParam("name")).name();
    kit.delete(
        ctx,
        () -> gateways.delete(name, me.actor()),
        "/ui/gateways",
        "gateway-delete.jte",
        error -> new GatewayDelete(kit.chrome(ctx, me), name, error));
  }
}
