package dev.kpam.cli.login;

import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.CliException;
import dev.kpam.cli.api.ApiClient;
import dev.kpam.cli.api.ApiException;
import dev.kpam.protocol.auth.LoginResponse;
import dev.kpam.protocol.auth.SsoDeviceStart;
import dev.kpam.protocol.auth.SsoDeviceTokenRequest;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code kpam login --sso --device}: the device authorization grant (RFC 8628) through the kpam
 * server, for a machine without a browser. The server starts it at the identity provider; this
 * prints where to go and the code to enter, then asks the server at the provider's interval (5 s
 * more after each {@code slow_down}) until the person has signed in, declined, or the code expired.
 */
final class DeviceLogin {
  private static final Duration SLOW_DOWN = Duration.ofSeconds(5);

  private DeviceLogin() {}

  static LoginResponse run(ApiClient api, CliEnvironment env) {
    SsoDeviceStart started = api.post("/api/v1/auth/sso/device", null, SsoDeviceStart.class);
    env.stderr()
        .println(
            "To sign in with "
                + started.providerName()
                + ", open "
                + started.verificationUri()
                + " on any device and enter the code\n\n    "
                + started.userCode()
                + "\n"
                + (started.verificationUriComplete() == null
                    ? ""
                    : "\n(or open " + started.verificationUriComplete() + ")\n"));
    env.stderr().flush();
    Duration interval = Duration.ofSeconds(Math.max(1, started.interval()));
    Instant until = env.clock().instant().plusSeconds(started.expiresIn());
    SsoDeviceTokenRequest poll = new SsoDeviceTokenRequest(started.deviceCode());
    while (true) {
      sleep(interval);
      try {
        return api.post("/api/v1/auth/sso/device/token", poll, LoginResponse.class);
      } catch (ApiException e) {
        switch (e.code()) {
          case "sso_authorization_pending" -> {}
          case "sso_slow_down" -> interval = interval.plus(SLOW_DOWN);
          default -> throw e;
        }
      }
      if (env.clock().instant().isAfter(until)) {
        throw new CliException(
            "the code " + started.userCode() + " expired before the sign-in; run kpam login again");
      }
    }
  }

  private static void sleep(Duration interval) {
    try {
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted while waiting for the sign-in on the other device");
    }
  }
}
