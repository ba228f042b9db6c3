package dev.kpam.server.ui;

import dev.kpam.protocol.gateways.GatewayView;
import dev.kpam.protocol.resources.ResourceRequest;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.gateways.Gateways;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.resources.Resources;
import dev.kpam.server.ui.UiPages.ResourceDelete;
import dev.kpam.server.ui.UiPages.ResourceEditor;
import dev.kpam.server.ui.UiPages.ResourceForm;
import dev.kpam.server.ui.UiPages.ResourceList;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Map;

/** The resources pages: list with gateway status; admins create, edit and delete. */
final class ResourcePages {
  /** API field names (in {@link ApiException#invalid} messages) → form field ids. */
  private static final Map<String, String> RESOURCE_FIELDS =
      Map.of(
          "name", "name",
          "url", "url",
          "gateway", "gateway",
          "caCert", "ca-cert",
          "serverName", "server-name",
          "insecureSkipTlsVerify", "insecure");

  private final UiKit kit;
  private final Gateways gateways;
  private final Resources resources;

  private ResourcePages(UiKit kit, Gateways gateways, Resources resources) {
    this.kit = kit;
    this.gateways = gateways;
    this.resources = resources;
  }

  static void register(Javalin app, UiKit kit, Gateways gateways, Resources resources) {
    ResourcePages pages = new ResourcePages(kit, gateways, resources);
    app.get("/ui/resources", kit.page(pages::resourceList));
    app.get("/ui/resources/new", kit.page(pages::newResource));
    app.post("/ui/resources", kit.page(pages::createResource));
    app.get("/ui/resources/{name}/edit", kit.page(pages::editResource));
    app.post("/ui/resources/{name}", kit.page(pages::updateResource));
    app.get("/ui/resources/{name}/delete", kit.page(pages::confirmDelete));
    app.post("/ui/resources/{name}/delete", kit.page(pages::deleteResource));
  }

  private void resourceList(Context ctx) {
    Principal me = kit.session.principal(ctx);
    kit.render(
        ctx, 200, "resources.jte", new ResourceList(kit.chrome(ctx, me), resources.list(me)));
  }

  private void newResource(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    editor(ctx, me, 200, false, ResourceForm.empty(), Map.of(), null);
  }

  private void createResource(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    ResourceForm form = form(ctx, ctx.formParam("name"));
    try {
      resources.create(
          new ResourceRequest(
              form.name(),
              form.url(),
              form.gateway(),
              form.caCert(),
              form.serverName(),
              form.insecure()),
          me.actor());
      ctx.redirect("/ui/resources", HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      rejected(ctx, me, false, form, e);
    }
  }

  private void editResource(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    ResourceForm form = ResourceForm.of(resources.get(ctx.pathParam("name")));
    editor(ctx, me, 200, true, form, Map.of(), null);
  }

  private void updateResource(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    String name = resources.get(ctx.pathParam("name")).name();
    ResourceForm form = form(ctx, name);
    try {
      resources.update(
          name,
          new ResourceRequest(
              null, form.url(), form.gateway(), form.caCert(), form.serverName(), form.insecure()),
          me.actor());
      ctx.redirect("/ui/resources", HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      rejected(ctx, me, true, form, e);
    }
  }

  private void confirmDelete(Context ctx) {
    Principal me = UiKit.admin(kit.session.principal(ctx));
    String name = resources.get(ctx.pathParam("name")).name();
    kit.render(
        ctx, 200, "resource-delete.jte", new ResourceDelete(kit.chrome(ctx, me), name, null));
  }

  private void deleteResource(Context ctx) {
    Principal me = UiKit.admin(kit.session.principalForPost(ctx));
    String name = resources.get(ctx.pathParam("name")).name();
    kit.delete(
        ctx,
        () -> resources.delete(name, me.actor()),
        "/ui/resources",
        "resource-delete.jte",
        error -> new ResourceDelete(kit.chrome(ctx, me), name, error));
  }

  /** Shows the form again with what was typed and the service's message next to its field. */
  private void rejected(
      Context ctx, Principal me, boolean editing, ResourceForm form, ApiException e) {
    UiKit.FormErrors errors = UiKit.formErrors(e, !editing, RESOURCE_FIELDS);
    editor(ctx, me, errors.status(), editing, form, errors.fields(), errors.form());
  }

  private void editor(
      Context ctx,
      Principal me,
      int status,
      boolean editing,
      ResourceForm form,
      Map<String, String> errors,
      String formError) {
    List<String> gatewayNames = gateways.list().stream().map(GatewayView::name).toList();
    kit.render(
        ctx,
        status,
        "resource-form.jte",
        new ResourceEditor(kit.chrome(ctx, me), editing, form, gatewayNames, errors, formError));
  }

  private static ResourceForm form(Context ctx, String name) {
    return new ResourceForm(
        name == null ? "" : name.trim(),
        UiKit.text(ctx, "url"),
        UiKit.text(ctx, "gateway"),
        UiKit.text(ctx, "caCert"),
        UiKit.text(ctx, "serverName"),
        ctx.formParam("insecure") != null);
  }
}
