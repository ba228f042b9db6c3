package dev.kpam.server.policy;

import dev.kpam.protocol.policy.WhatIfRequest;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.http.Requests;
import io.javalin.Javalin;

/** {@code POST /api/v1/resources/{resource}/accounts/{name}/what-if} (admin). */
public final class PolicyRoutes {
  private PolicyRoutes() {}

  public static void register(Javalin app, Authenticator auth, WhatIf whatIf, Requests requests) {
    app.post(
        "/api/v1/resources/{resource}/accounts/{name}/what-if",
        ctx -> {
          auth.admin(ctx);
          WhatIfRequest request = requests.body(ctx, WhatIfRequest.class);
          ctx.json(whatIf.replay(ctx.pathParam("resource"), ctx.pathParam("name"), request));
        });
  }
}
