package dev.kpam.server.ui;

import dev.kpam.crypto.secrets.SecretTokens;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.mfa.StepUp;
import io.javalin.http.Context;
import java.time.Duration;

/**
 * The web UI's session cookie and CSRF tokens.
 *
 * <p>The cookie {@code kpam_ui} holds an opaque token issued by {@link Authenticator#uiLogin}
 * (stored hashed like API tokens, 12 h). The CSRF token of a session is a hash of that token under
 * its own label: an attacker who cannot read the cookie cannot compute it, and the server keeps no
 * extra state. Before sign-in, the login form is protected by a double-submit cookie.
 */
final class UiSession {
  static final String COOKIE = "kpam_ui";
  static final String LOGIN_COOKIE = "kpam_ui_login";

  /**
   * Binds a single sign-on under way to the browser that started it. SameSite=Lax, unlike the
   * others: it must come back on the identity provider's cross-site redirect to the callback.
   */
  static final String SSO_COOKIE = "kpam_sso";

  static final String CSRF_FIELD = "_csrf";
  private static final Duration SESSION_TTL = Duration.ofHours(12);
  private static final Duration LOGIN_FORM_TTL = Duration.ofHours(1);
  private static final Duration SSO_TTL = Duration.ofMinutes(10);
  private static final String PRINCIPAL = "kpam.ui.principal";

  private final Authenticator auth;
  private final StepUp stepUp;

  UiSession(Authenticator auth, StepUp stepUp) {
    this.auth = auth;
    this.stepUp = stepUp;
  }

  /** The signed-in user, or a 401 (which the UI answers with a redirect to the sign-in page). */
  Principal principal(Context ctx) {
    String token = ctx.cookie(COOKIE);
    if (token == null || token.isBlank()) {
      throw ApiException.unauthenticated("not signed in");
    }
    Principal principal = auth.user(token, ctx.ip());
    ctx.attribute(PRINCIPAL, principal);
    return principal;
  }

  /**
   * The signed-in user of a POST whose {@code _csrf} field matches the session, else 403. Where
   * step-up asks for it, an admin's change also needs a recent second factor: the form's step-up
   * fields are checked, or {@link StepUpRequired} asks for them (one's own security settings and
   * signing out are never held back).
   */
  Principal principalForPost(Context ctx) {
    Principal principal = principal(ctx);
    if (!SecretTokens.constantTimeEquals(csrf(ctx), nullToEmpty(ctx.formParam(CSRF_FIELD)))) {
      throw ApiException.forbidden("the form is stale or was not sent by kpam; reload the page");
    }
    if (!ctx.path().startsWith("/ui/security")
        && !ctx.path().equals("/ui/logout")
        && stepUp.needed(principal)) {
      String code = ctx.formParam(StepUpPrompt.CODE_FIELD);
      String ceremony = ctx.formParam(StepUpPrompt.CEREMONY_FIELD);
      if (nullToEmpty(code).isBlank() && nullToEmpty(ceremony).isBlank()) {
        throw new StepUpRequired(null);
      }
      try {
        stepUp.confirm(
            principal, code, ceremony, ctx.formParam(StepUpPrompt.CREDENTIAL_FIELD), ctx.ip());
      } catch (ApiException e) {
        if (e.status() != 403 && e.status() != 404 && e.status() != 429) {
          throw e;
        }
        throw new StepUpRequired(e.getMessage());
      }
    }
    return principal;
  }

  /** The principal found earlier in this request, for error pages; may be null. */
  static Principal known(Context ctx) {
    return ctx.attribute(PRINCIPAL);
  }

  String csrf(Context ctx) {
    return csrfOf(ctx.cookie(COOKIE));
  }

  void start(Context ctx, String token) {
    setCookie(ctx, COOKIE, token, "/ui", SESSION_TTL.toSeconds());
    setCookie(ctx, LOGIN_COOKIE, "", "/ui/login", 0);
  }

  void end(Context ctx) {
    setCookie(ctx, COOKIE, "", "/ui", 0);
  }

  /** A fresh random value for the SSO cookie, set on the browser; its hash goes with the state. */
  String newSsoBinding(Context ctx) {
    String binding = SecretTokens.generate("sso");
    setCookie(ctx, SSO_COOKIE, binding, "/ui/sso", SSO_TTL.toSeconds(), "Lax");
    return binding;
  }

  /** The SSO cookie of this browser (null if none), cleared: it serves one callback. */
  String takeSsoBinding(Context ctx) {
    String binding = ctx.cookie(SSO_COOKIE);
    setCookie(ctx, SSO_COOKIE, "", "/ui/sso", 0, "Lax");
    return binding == null || binding.isBlank() ? null : binding;
  }

  /** A fresh double-submit token for the login form, also set as a cookie. */
  String newLoginCsrf(Context ctx) {
    String token = SecretTokens.generate("csrf");
    setCookie(ctx, LOGIN_COOKIE, token, "/ui/login", LOGIN_FORM_TTL.toSeconds());
    return token;
  }

  void checkLoginCsrf(Context ctx) {
    String cookie = ctx.cookie(LOGIN_COOKIE);
    if (cookie == null
        || cookie.isEmpty()
        || !SecretTokens.constantTimeEquals(cookie, nullToEmpty(ctx.formParam(CSRF_FIELD)))) {
      throw ApiException.forbidden("the sign-in form is stale; reload the page");
    }
  }

  private static String csrfOf(String sessionToken) {
    return SecretTokens.sha256Hex("kpam-ui-csrf:" + nullToEmpty(sessionToken));
  }

  private static void setCookie(Context ctx, String name, String value, String path, long maxAge) {
    setCookie(ctx, name, value, path, maxAge, "Strict");
  }

  private static void setCookie(
      Context ctx, String name, String value, String path, long maxAge, String sameSite) {
    // Written by hand: Javalin's Cookie has no SameSite=Strict shorthand from Java, and every
    // attribute here matters (RFC 6265bis section 4.1.2.7 for SameSite).
    String cookie =
        name
            + "="
            + value
            + "; Path="
            + path
            + "; Max-Age="
            + maxAge
            + "; HttpOnly; SameSite="
            + sameSite
            + ("https".equals(ctx.scheme()) ? "; Secure" : "");
    ctx.res().addHeader("Set-Cookie", cookie);
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }
}
