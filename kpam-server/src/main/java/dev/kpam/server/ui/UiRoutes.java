package dev.kpam.server.ui;

import dev.kpam.protocol.auth.LoginResponse;
import dev.kpam.protocol.gateways.GatewayView;
import dev.kpam.protocol.resources.ResourceRequest;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.gateways.Gateways;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.resources.Resources;
import dev.kpam.server.ui.UiPages.Chrome;
import dev.kpam.server.ui.UiPages.ErrorPage;
import dev.kpam.server.ui.UiPages.Login;
import dev.kpam.server.ui.UiPages.ResourceDelete;
import dev.kpam.server.ui.UiPages.ResourceEditor;
import dev.kpam.server.ui.UiPages.ResourceForm;
import dev.kpam.server.ui.UiPages.ResourceList;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-rendered web UI under {@code /ui}: sign-in, sign-out and resources. Every page works
 * without JavaScript; every POST carries the session's CSRF token. Domain errors become HTML pages
 * here (a missing session becomes a redirect to the sign-in page), never JSON or a stack trace.
 *
 * <pre>{@code
 * UiRoutes.register(app, auth, gateways, resources);
 * }</pre>
 */
public final class UiRoutes {
  private static final Logger log = LoggerFactory.getLogger(UiRoutes.class);

  /** API field names (in {@link ApiException#invalid} messages) → form field ids. */
  private static final Map<String, String> RESOURCE_FIELDS =
      Map.of(
          "name", "name",
          "url", "url",
          "gateway", "gateway",
          "caCert", "ca-cert",
          "serverName", "server-name",
          "insecureSkipTlsVerify", "insecure");

  private final UiSession session;
  private final Templates templates = new Templates();
  private final Authenticator auth;
  private final Gateways gateways;
  private final Resources resources;

  private UiRoutes(Authenticator auth, Gateways gateways, Resources resources) {
    this.session = new UiSession(auth);
    this.auth = auth;
    this.gateways = gateways;
    this.resources = resources;
  }

  public static void register(
      Javalin app, Authenticator auth, Gateways gateways, Resources resources) {
    UiRoutes ui = new UiRoutes(auth, gateways, resources);
    Assets.register(app);
    app.get("/", ctx -> ctx.redirect("/ui"));
    app.get("/ui", ctx -> ctx.redirect("/ui/resources"));
    app.get("/ui/login", ui.page(ui::loginForm));
    app.post("/ui/login", ui.page(ui::login));
    app.post("/ui/logout", ui.page(ui::logout));
    app.get("/ui/resources", ui.page(ui::resourceList));
    app.get("/ui/resources/new", ui.page(ui::newResource));
    app.post("/ui/resources", ui.page(ui::createResource));
    app.get("/ui/resources/{name}/edit", ui.page(ui::editResource));
    app.post("/ui/resources/{name}", ui.page(ui::updateResource));
    app.get("/ui/resources/{name}/delete", ui.page(ui::confirmDelete));
    app.post("/ui/resources/{name}/delete", ui.page(ui::deleteResource));
  }

  /** Whether a route path belongs to the web UI (HTML pages, not the REST API). */
  public static boolean isUiPath(String path) {
    return path.equals("/") || path.equals("/ui") || path.startsWith("/ui/");
  }

  private void loginForm(Context ctx) {
    templates.render(ctx, 200, "login.jte", new Login(session.newLoginCsrf(ctx), "", null));
  }

  private void login(Context ctx) {
    session.checkLoginCsrf(ctx);
    String username = ctx.formParam("username");
    try {
      LoginResponse login = auth.uiLogin(username, ctx.formParam("password"), ctx.ip());
      session.start(ctx, login.token());
      ctx.redirect("/ui/resources", HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      if (e.status() != 401 && e.status() != 429) {
        throw e;
      }
      if (e.retryAfterSeconds() > 0) {
        ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
      }
      templates.render(
          ctx,
          e.status(),
          "login.jte",
          new Login(session.newLoginCsrf(ctx), username == null ? "" : username, e.getMessage()));
    }
  }

  private void logout(Context ctx) {
    Principal me = session.principalForPost(ctx);
    auth.logout(me);
    session.end(ctx);
    ctx.redirect("/ui/login", HttpStatus.SEE_OTHER);
  }

  private void resourceList(Context ctx) {
    Principal me = session.principal(ctx);
    templates.render(
        ctx, 200, "resources.jte", new ResourceList(chrome(ctx, me), resources.list(me)));
  }

  private void newResource(Context ctx) {
    Principal me = admin(session.principal(ctx));
    editor(ctx, me, 200, false, ResourceForm.empty(), Map.of(), null);
  }

  private void createResource(Context ctx) {
    Principal me = admin(session.principalForPost(ctx));
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
    Principal me = admin(session.principal(ctx));
    ResourceForm form = ResourceForm.of(resources.get(ctx.pathParam("name")));
    editor(ctx, me, 200, true, form, Map.of(), null);
  }

  private void updateResource(Context ctx) {
    Principal me = admin(session.principalForPost(ctx));
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
    Principal me = admin(session.principal(ctx));
    String name = resources.get(ctx.pathParam("name")).name();
    templates.render(
        ctx, 200, "resource-delete.jte", new ResourceDelete(chrome(ctx, me), name, null));
  }

  private void deleteResource(Context ctx) {
    Principal me = admin(session.principalForPost(ctx));
    String name = resources.get(ctx.pathParam("name")).name();
    try {
      resources.delete(name, me.actor());
      ctx.redirect("/ui/resources", HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      if (e.status() != 409) {
        throw e;
      }
      templates.render(
          ctx,
          409,
          "resource-delete.jte",
          new ResourceDelete(chrome(ctx, me), name, e.getMessage()));
    }
  }

  /** Shows the form again with what was typed and the service's message next to its field. */
  private void rejected(
      Context ctx, Principal me, boolean editing, ResourceForm form, ApiException e) {
    if (e.status() == 409 && !editing) {
      editor(ctx, me, 409, false, form, Map.of("name", e.getMessage()), null);
      return;
    }
    if (e.status() != 400) {
      throw e;
    }
    String message = e.getMessage();
    int colon = message.indexOf(':');
    String field = colon > 0 ? RESOURCE_FIELDS.get(message.substring(0, colon)) : null;
    if (field == null) {
      editor(ctx, me, 400, editing, form, Map.of(), message);
    } else {
      editor(ctx, me, 400, editing, form, Map.of(field, message), null);
    }
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
    templates.render(
        ctx,
        status,
        "resource-form.jte",
        new ResourceEditor(chrome(ctx, me), editing, form, gatewayNames, errors, formError));
  }

  private static ResourceForm form(Context ctx, String name) {
    return new ResourceForm(
        name == null ? "" : name.trim(),
        text(ctx, "url"),
        text(ctx, "gateway"),
        text(ctx, "caCert"),
        text(ctx, "serverName"),
        ctx.formParam("insecure") != null);
  }

  private static String text(Context ctx, String field) {
    String value = ctx.formParam(field);
    return value == null ? "" : value.trim();
  }

  private static Principal admin(Principal me) {
    if (!me.isAdmin()) {
      throw ApiException.forbidden("this page needs the admin role");
    }
    return me;
  }

  private Chrome chrome(Context ctx, Principal me) {
    return new Chrome(me.name(), me.isAdmin(), session.csrf(ctx));
  }

  /**
   * Wraps a page handler: no session → the sign-in page; a domain error → an HTML page with its
   * status; anything else → a 500 page, the details only in the server log.
   */
  private Handler page(Handler handler) {
    return ctx -> {
      try {
        handler.handle(ctx);
      } catch (ApiException e) {
        if (e.status() == 401) {
          session.end(ctx);
          ctx.redirect("/ui/login", HttpStatus.SEE_OTHER);
          return;
        }
        error(ctx, e.status(), title(e.status()), e.getMessage());
      } catch (Exception e) {
        log.error("internal error in {} {}", ctx.method(), ctx.path(), e);
        error(ctx, 500, "Something went wrong", "The server log has the details.");
      }
    };
  }

  private void error(Context ctx, int status, String title, String message) {
    Principal me = UiSession.known(ctx);
    Chrome chrome = me == null ? null : chrome(ctx, me);
    templates.render(ctx, status, "error.jte", new ErrorPage(chrome, status, title, message));
  }

  private static String title(int status) {
    return switch (status) {
      case 403 -> "Not allowed";
      case 404 -> "Not found";
      case 409 -> "Conflict";
      case 429 -> "Too many attempts";
      case 503 -> "Unavailable";
      default -> "Request failed";
    };
  }
}
