package dev.kpam.server.ui;

import dev.kpam.server.auth.Principal;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.ui.UiPages.Chrome;
import dev.kpam.server.ui.UiPages.ErrorPage;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import java.util.Map;
import java.util.function.Function;
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
  private final StepUpPrompt stepUp;
  private final Templates templates = new Templates();

  UiKit(UiSession session, StepUpPrompt stepUp) {
    this.session = session;
    this.stepUp = stepUp;
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
   * Wraps a page handler: no session → the sign-in page; a change that needs step-up → the page
   * that asks for the second factor; a domain error → an HTML page with its status; anything else →
   * a 500 page, the details only in the server log.
   */
  Handler page(Handler handler) {
    return ctx -> {
      try {
        handler.handle(ctx);
      } catch (StepUpRequired e) {
        stepUp.render(this, ctx, UiSession.known(ctx), e.error());
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

  /**
   * A route htmx polls. When the sign-in has lapsed, a redirect would be followed inside htmx's
   * request and the sign-in page swapped into the table; {@code HX-Redirect} makes htmx load it as
   * the whole page instead.
   */
  Handler fragment(Handler handler) {
    return page(
        ctx -> {
          try {
            handler.handle(ctx);
          } catch (ApiException e) {
            if (e.status() != 401 || ctx.header("HX-Request") == null) {
              throw e;
            }
            session.end(ctx);
            ctx.header("HX-Redirect", "/ui/login").status(HttpStatus.NO_CONTENT);
          }
        });
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

  /**
   * What a refused form shows: the service's message next to its field (messages of {@link
   * ApiException#invalid} start with the API field name, mapped to a form field id by {@code
   * fields}), or above the form when no field matches. A conflict on create is the name's; other
   * statuses are not form errors and are thrown on, to become an error page.
   */
  static FormErrors formErrors(ApiException e, boolean creating, Map<String, String> fields) {
    String message = e.getMessage();
    if (e.status() == 409) {
      return creating
          ? new FormErrors(409, Map.of("name", message), null)
          : new FormErrors(409, Map.of(), message);
    }
    if (e.status() != 400) {
      throw e;
    }
    int colon = message.indexOf(':');
    String field = colon > 0 ? fields.get(message.substring(0, colon)) : null;
    return field == null
        ? new FormErrors(400, Map.of(), message)
        : new FormErrors(400, Map.of(field, message), null);
  }

  /** The status of a refused form, messages by field id, and a message for the whole form. */
  record FormErrors(int status, Map<String, String> fields, String form) {}

  /**
   * For a part of a page that htmx polls: answers 204 (htmx then keeps what it shows) and returns
   * true when the poll's {@code seen} is the current {@code version} of what the part shows.
   */
  static boolean unchanged(Context ctx, String version) {
    if (!version.equals(ctx.queryParam("seen"))) {
      return false;
    }
    ctx.status(HttpStatus.NO_CONTENT);
    return true;
  }

  /**
   * A delete confirmed on its page: runs it and redirects to {@code then}; when the service refuses
   * because the thing is still in use (409), shows the confirmation page again with the service's
   * message, {@code page} building it from that message.
   */
  void delete(
      Context ctx, Runnable delete, String then, String template, Function<String, Object> page) {
    try {
      delete.run();
      ctx.redirect(then, HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      if (e.status() != 409) {
        throw e;
      }
      render(ctx, 409, template, page.apply(e.getMessage()));
    }
  }

  /** A form field as typed, trimmed; empty when absent. */
  static String text(Context ctx, String field) {
    String value = ctx.formParam(field);
    return value == null ? "" : value.trim();
  }
}
