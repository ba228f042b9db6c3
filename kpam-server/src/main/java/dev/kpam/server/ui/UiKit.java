package dev.kpam.server.ui;

import dev.kpam.server.auth.Principal;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.ui.UiPages.Chrome;
import dev.kpam.server.ui.UiPages.ErrorPage;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every group of UI pages shares: the session cookie and CSRF check, the templates, the frame
 * around a page, and the rule that a page answers HTML, never JSON or a stack trace.
 *
 * <pre>{@code
 * app.get("/ui/things", kit.page(ctx -> {
 *   Principal me = UiKit.admin(kit.session.principal(ctx));
 *   kit.render(ctx, 200, "things.jte", new Things(kit.chrome(ctx, me), ...));
 * }));
 * }</pre>
 */
final class UiKit {
  private static final Logger log = LoggerFactory.getLogger(UiKit.class);

  final UiSession session;
  private final Templates templates = new Templates();

  UiKit(UiSession session) {
    this.session = session;
  }

  void render(Context ctx, int status, String template, Object page) {
    templates.render(ctx, status, template, page);
  }

  /** The frame around a signed-in page: who is signed in, their role, the CSRF token. */
  Chrome chrome(Context ctx, Principal me) {
    return new Chrome(me.name(), me.isAdmin(), session.csrf(ctx));
  }

  /** The principal if it is an admin, else a 403 page. */
  static Principal admin(Principal me) {
    if (!me.isAdmin()) {
      throw ApiException.forbidden("this page needs the admin role");
    }
    return me;
  }

  /**
   * Wraps a page handler: no session → the sign-in page; a domain error → an HTML page with its
   * status; anything else → a 500 page, the details only in the server log.
   */
  Handler page(Handler handler) {
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
    render(ctx, status, "error.jte", new ErrorPage(chrome, status, title, message));
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

  /** A form field as typed, trimmed; empty when absent. */
  static String text(Context ctx, String field) {
    String value = ctx.formParam(field);
    return value == null ? "" : value.trim();
  }
}
