package dev.kpam.server.identity;

import dev.kpam.protocol.auth.SsoDeviceTokenRequest;
import dev.kpam.protocol.auth.SsoInfo;
import dev.kpam.protocol.auth.SsoStartRequest;
import dev.kpam.protocol.auth.SsoStartResponse;
import dev.kpam.protocol.auth.SsoTokenRequest;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.http.Requests;
import io.javalin.Javalin;
import java.util.Optional;

/**
 * {@code /api/v1/auth/sso*}: what the CLI needs for {@code kpam login --sso} (the browser's part is
 * in the web UI, {@code /ui/login/sso} and {@link SingleSignOn#CALLBACK_PATH}).
 */
public final class SsoRoutes {
  private SsoRoutes() {}

  public static void register(Javalin app, Optional<SingleSignOn> sso, Requests requests) {
    app.get(
        "/api/v1/auth/sso",
        ctx ->
            ctx.json(
                sso.map(
                        s ->
                            new SsoInfo(
                                true, s.providerName(), s.passwordsOff() ? "break-glass" : "all"))
                    .orElse(new SsoInfo(false, null, "all"))));
    app.post(
        "/api/v1/auth/sso/start",
        ctx -> {
          SingleSignOn s = enabled(sso);
          SsoStartRequest start = requests.body(ctx, SsoStartRequest.class);
          ctx.json(
              new SsoStartResponse(
                  s.startCli(
                          start.redirectUri(), start.codeChallenge(), Requests.sourceAddress(ctx))
                      .toString(),
                  s.providerName()));
        });
    app.post(
        "/api/v1/auth/sso/token",
        ctx -> {
          SingleSignOn s = enabled(sso);
          SsoTokenRequest token = requests.body(ctx, SsoTokenRequest.class);
          ctx.json(s.redeem(token.code(), token.codeVerifier(), Requests.sourceAddress(ctx)));
        });
    app.post(
        "/api/v1/auth/sso/device",
        ctx -> ctx.json(enabled(sso).startDevice(Requests.sourceAddress(ctx))));
    app.post(
        "/api/v1/auth/sso/device/token",
        ctx -> {
          SingleSignOn s = enabled(sso);
          SsoDeviceTokenRequest poll = requests.body(ctx, SsoDeviceTokenRequest.class);
          ctx.json(s.pollDevice(poll.deviceCode(), Requests.sourceAddress(ctx)));
        });
  }

  private static SingleSignOn enabled(Optional<SingleSignOn> sso) {
    return sso.orElseThrow(
        () ->
            new ApiException(
                404, "sso_off", "this kpam server has no single sign-on; log in with a password"));
  }
}
