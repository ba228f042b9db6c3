package dev.kpam.server.ui;

import dev.kpam.protocol.mfa.RecoveryCodes;
import dev.kpam.protocol.mfa.TotpEnrolment;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.mfa.SecondFactors;
import dev.kpam.server.ui.UiPages.RecoveryCodesPage;
import dev.kpam.server.ui.UiPages.SecurityPage;
import dev.kpam.server.ui.UiPages.TotpSetup;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * {@code /ui/security}: the signed-in user's second factors: enrol an authenticator app from a QR
 * code, confirm it with a code, see the recovery codes once, remove a factor.
 */
final class SecurityPages {
  private final UiKit kit;
  private final SecondFactors factors;

  private SecurityPages(UiKit kit, SecondFactors factors) {
    this.kit = kit;
    this.factors = factors;
  }

  static void register(Javalin app, UiKit kit, SecondFactors factors) {
    SecurityPages pages = new SecurityPages(kit, factors);
    app.get("/ui/security", kit.page(pages::list));
    app.post("/ui/security/totp", kit.page(pages::start));
    app.post("/ui/security/totp/{id}/confirm", kit.page(pages::confirm));
    app.post("/ui/security/factors/{id}/remove", kit.page(pages::remove));
  }

  private void list(Context ctx) {
    Principal me = kit.session.principal(ctx);
    kit.render(
        ctx, 200, "security.jte", new SecurityPage(kit.chrome(ctx, me), factors.factors(me)));
  }

  private void start(Context ctx) {
    Principal me = kit.session.principalForPost(ctx);
    setup(ctx, me, 200, factors.startTotp(me), null);
  }

  private void confirm(Context ctx) {
    Principal me = kit.session.principalForPost(ctx);
    String id = ctx.pathParam("id");
    try {
      RecoveryCodes codes = factors.confirmTotp(me, id, UiKit.text(ctx, "code"), ctx.ip());
      kit.render(
          ctx,
          200,
          "security-recovery.jte",
          new RecoveryCodesPage(kit.chrome(ctx, me), codes.codes()));
    } catch (ApiException e) {
      if (e.status() != 403 && e.status() != 429) {
        throw e;
      }
      setup(ctx, me, e.status(), factors.pendingTotp(me, id), e.getMessage());
    }
  }

  private void remove(Context ctx) {
    Principal me = kit.session.principalForPost(ctx);
    factors.remove(me, ctx.pathParam("id"));
    ctx.redirect("/ui/security", HttpStatus.SEE_OTHER);
  }

  private void setup(Context ctx, Principal me, int status, TotpEnrolment totp, String error) {
    kit.render(
        ctx,
        status,
        "security-totp.jte",
        new TotpSetup(
            kit.chrome(ctx, me),
            totp.factorId(),
            totp.secret(),
            QrCodes.svg(totp.uri(), 220),
            error));
  }
}
