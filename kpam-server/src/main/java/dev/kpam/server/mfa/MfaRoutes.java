package dev.kpam.server.mfa;

import dev.kpam.protocol.ItemList;
import dev.kpam.protocol.mfa.MfaCodeRequest;
import dev.kpam.protocol.mfa.PasskeyChallengeStatus;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.auth.Principal;
import dev.kpam.server.http.Requests;
import io.javalin.Javalin;

/** {@code /api/v1/mfa/*}: the caller's own second factors. */
public final class MfaRoutes {
  private MfaRoutes() {}

  public static void register(
      Javalin app, Authenticator auth, SecondFactors factors, Requests requests) {
    app.get(
        "/api/v1/mfa/factors", ctx -> ctx.json(new ItemList<>(factors.factors(auth.user(ctx)))));
    app.post("/api/v1/mfa/totp", ctx -> ctx.status(201).json(factors.startTotp(auth.user(ctx))));
    app.post(
        "/api/v1/mfa/totp/{id}/confirm",
        ctx -> {
          Principal me = auth.user(ctx);
          MfaCodeRequest code = requests.body(ctx, MfaCodeRequest.class);
          ctx.json(
              factors.confirmTotp(
                  me, ctx.pathParam("id"), code.code(), Requests.sourceAddress(ctx)));
        });
    app.post(
        "/api/v1/mfa/webauthn/challenges",
        ctx -> ctx.status(201).json(factors.passkeys().startConfirmation(auth.user(ctx))));
    app.get(
        "/api/v1/mfa/webauthn/challenges/{id}",
        ctx ->
            ctx.json(
                new PasskeyChallengeStatus(
                    factors.passkeys().status(auth.user(ctx), ctx.pathParam("id")))));
    app.delete(
        "/api/v1/mfa/factors/{id}",
        ctx -> {
          factors.remove(auth.user(ctx), ctx.pathParam("id"));
          ctx.status(204);
        });
  }
}
