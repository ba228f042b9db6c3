package dev.kpam.server.ui;

import dev.kpam.protocol.auth.LoginResponse;
import dev.kpam.server.accounts.Accounts;
import dev.kpam.server.approvals.AccessRequests;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.gateways.Gateways;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.identity.SingleSignOn;
import dev.kpam.server.mfa.SecondFactors;
import dev.kpam.server.mfa.StepUp;
import dev.kpam.server.policy.WhatIf;
import dev.kpam.server.relays.Relays;
import dev.kpam.server.resources.Resources;
import dev.kpam.server.sessions.SessionHistory;
import dev.kpam.server.sessions.Sessions;
import dev.kpam.server.ui.UiPages.Login;
import dev.kpam.server.users.Users;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The server-rendered web UI under {@code /ui}. Every page works without JavaScript; every POST
 * carries the session's CSRF token. Sign-in and sign-out live here; each group of pages has its own
 * class ({@link ResourcePages}, …) sharing one {@link UiKit}.
 *
 * <pre>{@code
 * UiRoutes.register(app, new UiRoutes.Services(auth, users, gateways, ...));
 * }</pre>
 */
public final class UiRoutes {
  /**
   * The domain services the pages read and change (the UI has no state of its own), and the clock
   * that says how long ago things happened.
   */
  public record Services(
      Authenticator auth,
      Users users,
      Gateways gateways,
      Relays relays,
      Resources resources,
      Accounts accounts,
      WhatIf whatIf,
      Sessions sessions,
      SessionHistory history,
      AccessRequests accessRequests,
      AuditLog audit,
      Clock clock,
      Supplier<String> publicUrl,
      Optional<SingleSignOn> sso,
      SecondFactors secondFactors,
      StepUp stepUp) {}

  private final UiKit kit;
  private final Authenticator auth;
  private final Optional<SingleSignOn> sso;

  private UiRoutes(UiKit kit, Authenticator auth, Optional<SingleSignOn> sso) {
    this.kit = kit;
    this.auth = auth;
    this.sso = sso;
  }

  public static void register(Javalin app, Services services) {
    UiKit kit =
        new UiKit(
            new UiSession(services.auth(), services.stepUp()),
            new StepUpPrompt(services.stepUp(), services.secondFactors()));
    UiRoutes ui = new UiRoutes(kit, services.auth(), services.sso());
    Assets.register(app);
    app.get("/", ctx -> ctx.redirect("/ui"));
    app.get("/ui", ctx -> ctx.redirect("/ui/resources"));
    app.get("/ui/login", kit.page(ui::loginForm));
    app.post("/ui/login", kit.page(ui::login));
    app.post("/ui/logout", kit.page(ui::logout));
    SsoPages.register(app, kit, services.sso(), ui::loginPage);
    ResourcePages.register(app, kit, services.gateways(), services.resources());
    AccountPages.register(
        app,
        kit,
        services.resources(),
        services.accounts(),
        services.users(),
        services.publicUrl());
    PolicyPages.register(app, kit, services.accounts(), services.whatIf());
    ApprovalPages.register(app, kit, services.accounts());
    RequestPages.register(app, kit, services.accessRequests());
    GatewayPages.register(app, kit, services.gateways(), services.clock());
    UserPages.register(app, kit, services.users());
    SecurityPages.register(app, kit, services.secondFactors());
    AuditPages.register(app, kit, services.audit(), services.clock());
    SessionPages.register(app, kit, services.sessions(), services.history());
    RecordingPages.register(app, kit, services.sessions(), services.history());
  }

  /** Whether a route path belongs to the web UI (HTML pages, not the REST API). */
  public static boolean isUiPath(String path) {
    return path.equals("/") || path.equals("/ui") || path.startsWith("/ui/");
  }

  private void loginForm(Context ctx) {
    loginPage(ctx, 200, "", null);
  }

  /** The sign-in page with {@code error} (null: none), answered with {@code status}. */
  void loginPage(Context ctx, int status, String username, String error) {
    kit.render(
        ctx,
        status,
        "login.jte",
        new Login(
            kit.session.newLoginCsrf(ctx),
            username,
            error,
            sso.map(SingleSignOn::providerName).orElse(null),
            sso.map(SingleSignOn::passwordsOff).orElse(false)));
  }

  private void login(Context ctx) {
    kit.session.checkLoginCsrf(ctx);
    String username = ctx.formParam("username");
    try {
      LoginResponse login = auth.uiLogin(username, ctx.formParam("password"), ctx.ip());
      kit.session.start(ctx, login.token());
      ctx.redirect("/ui/resources", HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      if (e.status() != 401 && e.status() != 403 && e.status() != 429) {
        throw e;
      }
      if (e.retryAfterSeconds() > 0) {
        ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
      }
      loginPage(ctx, e.status(), username == null ? "" : username, e.getMessage());
    }
  }

  private void logout(Context ctx) {
    Principal me = kit.session.principalForPost(ctx);
    auth.logout(me);
    kit.session.end(ctx);
    ctx.redirect("/ui/login", HttpStatus.SEE_OTHER);
  }
}
