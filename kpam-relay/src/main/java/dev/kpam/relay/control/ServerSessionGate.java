package dev.kpam.relay.control;

import dev.kpam.protocol.ApiError;
import dev.kpam.relay.GateDecision;
import dev.kpam.relay.GateUnavailableException;
import dev.kpam.relay.SessionGate;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone relay's {@link SessionGate}: asks the kpam server ({@code GET
 * /api/v1/relay/sessions/{id}/admission?gateway=GW}) whether a session may connect, on the HTTP
 * client's threads, never on an event loop.
 *
 * <ul>
 *   <li>204: admitted; the answer is reused for {@code cacheFor} (a few seconds: kubectl opens
 *       several connections at once), so an ended session is refused here at most that much later.
 *   <li>403, 404, 410: refused with the server's reason ("session s-1 is ended: done").
 *   <li>The server unreachable or failing: an outage, never a denial. A session this relay admitted
 *       within the last 24 h (the longest session) is admitted again, as the gateway still checks
 *       it live; a session never seen fails with {@link GateUnavailableException} ("cannot reach
 *       the kpam server"), which the client gets as {@code KPAM/1 ERR internal}.
 *   <li>401: the relay was deleted at the server; nothing is admitted ({@link
 *       GateUnavailableException}).
 * </ul>
 *
 * Concurrent checks of one session share one request. Thread-safe.
 *
 * <pre>{@code
 * SessionGate gate = new ServerSessionGate(api, Clock.systemUTC(), ServerSessionGate.DEFAULT_CACHE);
 * }</pre>
 */
public final class ServerSessionGate implements SessionGate {
  /** How long a positive answer is reused. */
  public static final Duration DEFAULT_CACHE = Duration.ofSeconds(3);

  static final Duration REMEMBER = Duration.ofHours(24);
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
  private static final Logger log = LoggerFactory.getLogger(ServerSessionGate.class);

  private final ControlPlaneClient api;
  private final Clock clock;
  private final Duration cacheFor;
  private final ConcurrentMap<Key, Instant> admitted = new ConcurrentHashMap<>();
  private final ConcurrentMap<Key, CompletableFuture<GateDecision>> inFlight =
      new ConcurrentHashMap<>();
  private volatile Instant lastPrune;

  public ServerSessionGate(ControlPlaneClient api, Clock clock, Duration cacheFor) {
    if (cacheFor == null
        || cacheFor.isNegative()
        || cacheFor.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException("cacheFor: " + cacheFor + " (expected: 0 to 10s)");
    }
    this.api = api;
    this.clock = clock;
    this.cacheFor = cacheFor;
    this.lastPrune = clock.instant();
  }

  private record Key(String sessionId, String gatewayId) {}

  @Override
  public CompletionStage<GateDecision> check(String sessionId, String gatewayId) {
    Key key = new Key(sessionId, gatewayId);
    Instant last = admitted.get(key);
    if (last != null && last.plus(cacheFor).isAfter(clock.instant())) {
      return CompletableFuture.completedFuture(GateDecision.allow());
    }
    CompletableFuture<GateDecision> mine = new CompletableFuture<>();
    CompletableFuture<GateDecision> asked = inFlight.putIfAbsent(key, mine);
    if (asked != null) {
      return asked.minimalCompletionStage();
    }
    ask(key)
        .whenComplete(
            (decision, failure) -> {
              inFlight.remove(key, mine);
              if (failure != null) {
                mine.completeExceptionally(failure);
              } else {
                mine.complete(decision);
              }
            });
    return mine.minimalCompletionStage();
  }

  private CompletableFuture<GateDecision> ask(Key key) {
    String path =
        "/api/v1/relay/sessions/"
            + URLEncoder.encode(key.sessionId(), StandardCharsets.UTF_8)
            + "/admission?gateway="
            + URLEncoder.encode(key.gatewayId(), StandardCharsets.UTF_8);
    try {
      return api.get(path, TIMEOUT)
          .handle(
              (response, error) ->
                  error != null ? unreachable(key, describe(error)) : answer(key, response));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private GateDecision answer(Key key, HttpResponse<String> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      Instant now = clock.instant();
      admitted.put(key, now);
      prune(now);
      return GateDecision.allow();
    }
    if (status == 403 || status == 404 || status == 410) {
      admitted.remove(key);
      return GateDecision.refuse(api.apiError(response).message());
    }
    ApiError error = api.apiError(response);
    if (status == 401) {
      log.error(
          "the kpam server at {} does not know this relay's credential ({}); the relay admits no"
              + " session until it is enrolled again",
          api.server(),
          error.message());
      throw new GateUnavailableException(
          "this relay is no longer registered with the kpam server; ask an admin to enroll it"
              + " again");
    }
    return unreachable(key, "status " + status + " " + error.code() + ": " + error.message());
  }

  private GateDecision unreachable(Key key, String what) {
    Instant last = admitted.get(key);
    if (last != null && last.plus(REMEMBER).isAfter(clock.instant())) {
      log.warn(
          "cannot ask the kpam server about session {} ({}); admitting it, as it was admitted"
              + " before and its gateway checks it too",
          key.sessionId(),
          what);
      return GateDecision.allow();
    }
    log.warn("cannot ask the kpam server about session {}: {}", key.sessionId(), what);
    throw new GateUnavailableException(
        "cannot reach the kpam server to check session " + key.sessionId() + "; try again shortly");
  }

  private static String describe(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause.toString();
  }

  /** Forgets sessions admitted longer ago than the longest session lasts. */
  private void prune(Instant now) {
    if (lastPrune.plus(PRUNE_EVERY).isAfter(now)) {
      return;
    }
    lastPrune = now;
    Instant cutoff = now.minus(REMEMBER);
    admitted.values().removeIf(at -> at.isBefore(cutoff));
  }
}
