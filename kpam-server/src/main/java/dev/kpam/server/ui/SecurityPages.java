package dev.kpam.server.ui;

import dev.kpam.protocol.mfa.RecoveryCodes;
import dev.kpam.protocol.mfa.TotpEnrolment;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.mfa.Passkeys;
import dev.kpam.server.mfa.SecondFactors;
import dev.kpam.server.ui.UiPages.PasskeyConfirmation;
import dev.kpam.server.ui.UiPages.PasskeySetup;
import dev.kpam.server.ui.UiPages.RecoveryCodesPage;
import dev.kpam.server.ui.UiPages.SecurityPage;
import dev.kpam.server.ui.UiPages.TotpSetup;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * {@code /ui/security}: the signed-in user's second factors: enrol an authenticator app from a QR
 * code, confirm it with a code, add a passkey, see the recovery codes once, remove a factor. And
 * {@code /ui/mfa/{id}}: the page {@code kpam k8s access} opens to confirm a session with a passkey.
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
    app.post("/ui/security/passkey", kit.page(pages::startPasskey));
    app.post("/ui/security/passkey/{id}", kit.page(pages::finishPasskey));
    app.get("/ui/mfa/{id}", kit.page(pages::confirmation));
    app.post("/ui/mfa/{id}", kit.page(pages::confirmPasskey));
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

  private void startPasskey(Context ctx) {
    Principal me = kit.session.principalForPost(ctx);
    passkeySetup(ctx, me, 200, null);
  }

  private void finishPasskey(Context ctx) {
    Principal me = kit.session.principalForPost(ctx);
    try {
      RecoveryCodes codes =
          factors
              .passkeys()
              .finishRegistration(
                  me, ctx.pathParam("id"), UiKit.text(ctx, "credential"), UiKit.text(ctx, "name"));
      kit.render(
          ctx,
          200,
          "security-recovery.jte",
          new RecoveryCodesPage(kit.chrome(ctx, me), codes.codes()));
    } catch (ApiException e) {
      if (e.status() != 403) {
        throw e;
      }
      passkeySetup(ctx, me, 403, e.getMessage());
    }
  }

  private void passkeySetup(Context ctx, Principal me, int status, String error) {
    Passkeys.Ceremony ceremony = factors.passkeys().startRegistration(me);
    kit.render(
        ctx,
        status,
        "security-passkey.jte",
        new PasskeySetup(kit.chrome(ctx, me), ceremony.id(), ceremony.optionsJson(), error));
  }

  /** The page kpam k8s access opens: no sign-in, the ceremony id in the URL is the secret. */
  private void confirmation(Context ctx) {
    String id = ctx.pathParam("id");
    Passkeys.Confirmation pending = factors.passkeys().confirmation(id);
    kit.render(
        ctx,
        200,
        "mfa-confirm.jte",
        new PasskeyConfirmation(id, pending.user(), pending.optionsJson(), false, null));
  }

  private void confirmPasskey(Context ctx) {
    String id = ctx.pathParam("id");
    Passkeys.Confirmation pending = factors.passkeys().confirmation(id);
    try {
      factors.passkeys().verify(id, UiKit.text(ctx, "credential"), ctx.ip());
    } catch (ApiException e) {
      if (e.status() != 403) {
        throw e;
      }
      kit.render(
          ctx,
          403,
          "mfa-confirm.jte",
          new PasskeyConfirmation(
              id, pending.user(), pending.optionsJson(), false, e.getMessage()));
      return;
    }
    kit.render(
        ctx, 200, "mfa-confirm.jte", new PasskeyConfirmation(id, pending.user(), "", true, null));
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
