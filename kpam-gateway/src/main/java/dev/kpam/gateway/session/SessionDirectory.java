package dev.kpam.gateway.session;

import dev.kpam.protocol.sessions.SessionLookup;
import java.util.concurrent.CompletionStage;

/**
 * Where the gateway learns what a session may do: the resource, its TLS options and the token to
 * inject. Completes exceptionally with {@link SessionDeniedException} when the session is over or
 * not this gateway's, and with {@link SessionDirectoryUnavailableException} when the answer cannot
 * be had (an outage is never a denial). Implementations complete off the Netty event loops.
 *
 * <pre>{@code
 * directory.lookup("s-1").thenAccept(lookup -> inject(lookup.token()));
 * directory.invalidate("s-1"); // after a push event
 * }</pre>
 */
public interface SessionDirectory {
  CompletionStage<SessionLookup> lookup(String sessionId);

  /** Forgets what is cached about {@code sessionId}. */
  void invalidate(String sessionId);

  /** Forgets every cached lookup (a resource or account changed). */
  void invalidateAll();
}
