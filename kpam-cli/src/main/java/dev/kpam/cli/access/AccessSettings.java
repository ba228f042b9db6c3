package dev.kpam.cli.access;

import dev.kpam.cli.api.ApiClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link AccessSession#start} needs: the API client of the logged-in user, what to ask for,
 * where the local proxy listens, which kubeconfig to change, and the world it runs in.
 *
 * <pre>{@code
 * var settings = new AccessSettings(api, "prod", "admin", "1h", null, null, false, 0, kubeconfig,
 *     false, configDir, Clock.systemUTC(), out, AccessSettings.POLL_INTERVAL, SecondFactorPrompt.NONE);
 * }</pre>
 *
 * @param duration like {@code 1h}; null for the server's default
 * @param reason why, for the record; null for none
 * @param request the approved access request to open the session under; null for the caller's open
 *     one, if the account requires approval
 * @param breakGlass open without approval where the account allows it (needs {@code reason})
 * @param port the local proxy's port on 127.0.0.1; 0 for any free one
 * @param kubeconfig the kubeconfig file to add the context to, or to write when {@code standalone}
 * @param standalone write {@code kubeconfig} as a file of its own ({@code --kubeconfig-out})
 * @param configDir kpam's config directory; the state of running sessions goes to {@code access/}
 * @param pollInterval how often to ask the server whether the session is still active
 * @param secondFactor where a code comes from when the account requires a second factor
 */
public record AccessSettings(
    ApiClient api,
    String resource,
    String account,
    String duration,
    String reason,
    String request,
    boolean breakGlass,
    int port,
    Path kubeconfig,
    boolean standalone,
    Path configDir,
    Clock clock,
    PrintWriter out,
    Duration pollInterval,
    SecondFactorPrompt secondFactor) {
  /** The poll interval of the command. */
  public static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

  public AccessSettings {
    Objects.requireNonNull(api, "api");
    requireText("resource", resource);
    requireText("account", account);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: between 0 and 65535)");
    }
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    Objects.requireNonNull(configDir, "configDir");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(secondFactor, "secondFactor");
    if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval: " + pollInterval + " (expected: positive)");
    }
  }

  /** The same settings, under the approved request {@code id}. */
  public AccessSettings withRequest(String id) {
    return new AccessSettings(
        api,
        resource,
        account,
        duration,
        reason,
        id,
        breakGlass,
        port,
        kubeconfig,
        standalone,
        configDir,
        clock,
        out,
        pollInterval,
        secondFactor);
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + ": '" + value + "' (expected: not blank)");
    }
  }
}
