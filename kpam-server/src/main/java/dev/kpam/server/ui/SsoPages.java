package dev.kpam.server.ui;

import dev.kpam.server.http.ApiException;
import dev.kpam.server.identity.SingleSignOn;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Optional;

/**
 * The browser's part of single sign-on: the button's target, which sends the browser to the
 * identity provider, and the provider's redirect back ({@link SingleSignOn#CALLBACK_PATH}), which
 * ends at a signed-in UI or at the CLI's loopback. A failed sign-in shows the sign-in page with
 * what went wrong.
 */
final class SsoPages {
  /** Renders the sign-in page with an error, as {@link UiRoutes} does. */
  @FunctionalInterface
  interface LoginPage {
    void show(Context ctx, int status, String username, String error);
  }

  private final UiKit kit;
  private final SingleSignOn sso;
  private final LoginPage loginPage;

  private SsoPages(UiKit kit, SingleSignOn sso, LoginPage loginPage) {
    this.kit = kit;
    this.sso = sso;
    this.loginPage = loginPage;
  }

  static void register(Javalin app, UiKit kit, Optional<SingleSignOn> sso, LoginPage loginPage) {
    if (sso.isEmpty()) {
      return;
    }
    SsoPages pages = new SsoPages(kit, sso.get(), loginPage);
    app.get("/ui/login/sso", kit.page(pages::start));
    app.get(SingleSignOn.CALLBACK_PATH, kit.page(pages::callback));
  }

  private void start(Context ctx) {
    try {
      String binding = kit.session.newSsoBinding(ctx);
      ctx.redirect(sso.startUi(binding, ctx.ip()).toString(), HttpStatus.SEE_OTHER);
    } catch (ApiException e) {
      loginPage.show(ctx, e.status(), "", e.getMessage());
    }
  }

  private void callback(Context ctx) {
    String binding = kit.session.takeSsoBinding(ctx);
    try {
      SingleSignOn.Finished finished =
          sso.callback(
              ctx.queryParam("state"),
              ctx.queryParam("code"),
              ctx.queryParam("error"),
              ctx.queryParam("error_description"),
              binding,
              ctx.ip());
      if (finished instanceof SingleSignOn.Finished.Cli cli) {
        ctx.redirect(cli.redirect().toString(), HttpStatus.SEE_OTHER);
        return;
      }
      SingleSignOn.Finished.Ui ui = (SingleSignOn.Finished.Ui) finished;
      kit.session.start(ctx, ui.login().token());
      // A page, not a redirect: the session cookie is SameSite=Strict, and a redirect that
      // continues the provider's cross-site navigation would arrive without it.
      kit.render(
          ctx,
          200,
          "signed-in.jte",
          new UiPages.SignedIn(ui.login().user().name(), "/ui/resources"));
    } catch (ApiException e) {
      loginPage.show(ctx, e.status(), "", e.getMessage());
    }
  }
}
