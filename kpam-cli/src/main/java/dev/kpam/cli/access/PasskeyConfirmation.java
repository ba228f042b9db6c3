package dev.kpam.cli.access;

import dev.kpam.cli.Browsers;
import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.CliException;
import dev.kpam.cli.api.ApiClient;
import dev.kpam.protocol.mfa.PasskeyChallenge;
import dev.kpam.protocol.mfa.PasskeyChallengeStatus;
import java.time.Duration;

/**
 * A session's second factor by passkey: the server makes a confirmation, the browser opens on it
 * (the URL is printed too), the person confirms with their passkey there, and this waits until the
 * server says it is verified. The answer is the confirmation's id, spent by the session request.
 */
final class PasskeyConfirmation {
  private static final Duration POLL = Duration.ofMillis(500);

  private PasskeyConfirmation() {}

  static String run(ApiClient api, CliEnvironment env) {
    PasskeyChallenge challenge =
        api.post("/api/v1/mfa/webauthn/challenges", null, PasskeyChallenge.class);
    env.stderr()
        .println(
            "Confirm with your passkey in the browser. If it does not open, open this URL:\n  "
                + challenge.url());
    env.stderr().flush();
    Browsers.open(env, challenge.url());
    String path = "/api/v1/mfa/webauthn/challenges/" + challenge.id();
    while (true) {
      String status = api.get(path, PasskeyChallengeStatus.class).status();
      switch (status) {
        case "verified":
          return challenge.id();
        case "pending":
          break;
        case "expired":
          throw new CliException(
              "the passkey confirmation expired before the browser confirmed it; run kpam k8s"
                  + " access again");
        default:
          throw new CliException(
              "the passkey confirmation is " + status + "; run kpam k8s access again");
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted while waiting for the passkey");
      }
    }
  }
}
