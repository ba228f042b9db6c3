package dev.kpam.gateway.control;

import dev.kpam.gateway.session.SessionDeniedException;
import dev.kpam.gateway.session.SessionDirectory;
import dev.kpam.gateway.session.SessionDirectoryUnavailableException;
import dev.kpam.protocol.ApiError;
import dev.kpam.protocol.sessions.SessionLookup;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Session lookups from the kpam server ({@code GET /api/v1/gateway/sessions/{id}}), cached per
 * session until it expires, a push event invalidates it, or {@code refresh} has passed (then
 * fetched again; while the server is unreachable a still-valid cached lookup keeps serving). 401
 * (the gateway's credential is refused: the gateway was deleted), 403, 404 and 410 become {@link
 * SessionDeniedException}; anything else that fails is {@link
 * SessionDirectoryUnavailableException}, never a denial.
 *
 * <pre>{@code
 * SessionDirectory directory = new ServerSessionDirectory(api, clock, Duration.ofSeconds(30));
 * directory.lookup("s-1").thenAccept(...);
 * }</pre>
 */
public final class ServerSessionDirectory implements SessionDirectory {
  private final ControlPlaneClient api;
  private final Clock clock;
  private final Duration refresh;
  private final ConcurrentMap<String, Cached> cache = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, CompletableFuture<SessionLookup>> inFlight =
      new ConcurrentHashMap<>();

  public ServerSessionDirectory(ControlPlaneClient api, Clock clock, Duration refresh) {
    if (refresh == null || refresh.isNegative() || refresh.isZero()) {
      throw new IllegalArgumentException("refresh: " + refresh + " (expected: positive)");
    }
    this.api = api;
    this.clock = clock;
    this.refresh = refresh;
  }

  private record Cached(SessionLookup lookup, Instant fetchedAt) {}

  @Override
  public CompletionStage<SessionLookup> lookup(String sessionId) {
    Instant now = clock.instant();
    Cached cached = cache.get(sessionId);
    if (cached != null
        && cached.lookup().expiresAt().isAfter(now)
        && cached.fetchedAt().plus(refresh).isAfter(now)) {
      return CompletableFuture.completedFuture(cached.lookup());
    }
    CompletableFuture<SessionLookup> mine = new CompletableFuture<>();
    CompletableFuture<SessionLookup> theirs = inFlight.putIfAbsent(sessionId, mine);
    if (theirs != null) {
      return theirs;
    }
    // Not inside computeIfAbsent: a fetch that completed before its removal was attached removed
    // itself from within the map's own update, which failed quietly and left the answer in place
    // for good; that session was never asked about again (a revocation whose push was lost then
    // never ended its open watch).
    fetch(sessionId, cached)
        .whenComplete(
            (lookup, error) -> {
              inFlight.remove(sessionId, mine);
              if (error != null) {
                mine.completeExceptionally(error);
              } else {
                mine.complete(lookup);
              }
            });
    return mine;
  }

  private CompletableFuture<SessionLookup> fetch(String sessionId, Cached stale) {
    String path =
        "/api/v1/gateway/sessions/" + URLEncoder.encode(sessionId, StandardCharsets.UTF_8);
    return api.get(path)
        .handle(
            (response, error) -> {
              if (error != null) {
                return unavailableOrStale(sessionId, stale, error.toString(), error);
              }
              return answer(sessionId, response, stale);
            });
  }

  private SessionLookup answer(String sessionId, HttpResponse<String> response, Cached stale) {
    int status = response.statusCode();
    if (status == 200) {
      SessionLookup lookup = api.read(response.body(), SessionLookup.class);
      cache.put(sessionId, new Cached(lookup, clock.instant()));
      return lookup;
    }
    if (status == 401 || status == 403 || status == 404 || status == 410) {
      cache.remove(sessionId);
      throw new SessionDeniedException(
          sessionId, denial(sessionId, status, api.apiError(response)));
    }
    return unavailableOrStale(sessionId, stale, "status " + status, null);
  }

  private SessionLookup unavailableOrStale(
      String sessionId, Cached stale, String what, Throwable cause) {
    if (stale != null && stale.lookup().expiresAt().isAfter(clock.instant())) {
      return stale.lookup();
    }
    throw new SessionDirectoryUnavailableException(
        "cannot look up session " + sessionId + ": " + what, cause);
  }

  static String denial(String sessionId, int status, ApiError error) {
    String prefix = "kpam session " + sessionId;
    String reason = reasonOf(error.message());
    return switch (String.valueOf(error.code())) {
      case "session_terminated" -> prefix + " was terminated: " + reason;
      case "session_expired" -> prefix + " has expired";
      case "session_ended" -> prefix + " has ended: " + reason;
      default ->
          status == 401
              ? prefix + " cannot be served: the server no longer accepts this gateway"
              : status == 403
                  ? prefix + " is not served by this gateway"
                  : status == 404 ? prefix + " is unknown" : prefix + " has ended: " + reason;
    };
  }

  /** The server says "session X is terminated: REASON"; kubectl gets REASON. */
  private static String reasonOf(String message) {
    if (message == null) {
      return "no reason given";
    }
    int colon = message.indexOf(": ");
    return colon < 0 ? message : message.substring(colon + 2);
  }

  @Override
  public void invalidate(String sessionId) {
    cache.remove(sessionId);
  }

  @Override
  public void invalidateAll() {
    cache.clear();
  }
}
