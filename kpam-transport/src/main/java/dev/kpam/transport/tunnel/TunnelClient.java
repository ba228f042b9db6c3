package dev.kpam.transport.tunnel;

import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side of the relay tunnels (DATA-PLANE.md §2): keeps one TLS connection to every
 * configured relay, speaks HTTP/2 as the server on it, and hands each stream the relay opens to the
 * {@link TunnelStreamHandler}. A dropped or silent tunnel is dialed again with jittered exponential
 * backoff, each time with a fresh {@code SslContext} from the configured supplier.
 *
 * <pre>{@code
 * TunnelClient tunnels = TunnelClient.start(new TunnelClientConfig(relays, () -> tls, handler, listener, group));
 * tunnels.close();
 * }</pre>
 */
public final class TunnelClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TunnelClient.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final List<RelayLink> links;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TunnelClient(List<RelayLink> links) {
    this.links = links;
  }

  /** Starts dialing every relay; returns at once. */
  public static TunnelClient start(TunnelClientConfig config) {
    List<RelayLink> links =
        config.relays().stream().map(relay -> new RelayLink(relay, config)).toList();
    links.forEach(RelayLink::start);
    return new TunnelClient(links);
  }

  /** The relays ({@code host:port}, as configured) with an established tunnel right now. */
  public Set<String> connectedRelays() {
    return links.stream()
        .filter(RelayLink::isConnected)
        .map(RelayLink::address)
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Stops reconnecting and closes every tunnel (and so every stream on them), waiting at most 5 s
   * when called off the event loop. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    List<Future<?>> closing = links.stream().map(RelayLink::close).toList();
    for (int i = 0; i < links.size(); i++) {
      if (links.get(i).inEventLoop()) {
        continue; // cannot wait on our own loop; the close still happens
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || !closing.get(i).awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
        log.warn("tunnels did not close within {}", CLOSE_WAIT);
        return;
      }
    }
  }
}
