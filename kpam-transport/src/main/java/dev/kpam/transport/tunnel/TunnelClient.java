package dev.kpam.transport.tunnel;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
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
  static final AttributeKey<Boolean> RELAY_DRAINING = AttributeKey.valueOf("kpam.relayDraining");

  private final TunnelClientConfig config;
  private final List<RelayLink> links = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private boolean draining;

  private TunnelClient(TunnelClientConfig config) {
    this.config = config;
  }

  /**
   * Whether {@code stream} came through a tunnel whose relay has said it is stopping ({@link
   * TunnelListener#relayDraining}): its connection should close once idle.
   */
  public static boolean fromDrainingRelay(Channel stream) {
    Channel tunnel = stream.parent();
    return tunnel != null && Boolean.TRUE.equals(tunnel.attr(RELAY_DRAINING).get());
  }

  /** Starts dialing every relay; returns at once. */
  public static TunnelClient start(TunnelClientConfig config) {
    TunnelClient client = new TunnelClient(config);
    client.update(config.relays());
    return client;
  }

  /**
   * Keeps tunnels to exactly {@code relays} from now on (the server announces them with each
   * heartbeat): dials the new ones, closes the tunnels (and their streams) to the ones no longer
   * named, leaves the rest alone.
   */
  public synchronized void update(List<String> relays) {
    if (closed.get() || draining) {
      return;
    }
    Set<String> wanted = Set.copyOf(relays);
    for (RelayLink link : links) {
      if (!wanted.contains(link.address())) {
        log.info("relay {} is no longer announced; closing its tunnel", link.address());
        links.remove(link);
        link.close();
      }
    }
    Set<String> have = links.stream().map(RelayLink::address).collect(Collectors.toSet());
    for (String relay : relays) {
      if (have.add(relay)) {
        RelayLink link = new RelayLink(relay, config);
        links.add(link);
        link.start();
      }
    }
  }

  /** The relays ({@code host:port}) this client keeps tunnels to, connected or not. */
  public Set<String> relays() {
    return links.stream().map(RelayLink::address).collect(Collectors.toUnmodifiableSet());
  }

  /** The relays ({@code host:port}, as configured) with an established tunnel right now. */
  public Set<String> connectedRelays() {
    return links.stream()
        .filter(RelayLink::isConnected)
        .map(RelayLink::address)
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Stops reconnecting and tells every relay to open no new stream on its tunnel (an HTTP/2
   * GOAWAY), so that new connections go to the gateway's other instances; the open streams go on
   * until {@link #close}.
   */
  public synchronized void drain() {
    if (!closed.get() && !draining) {
      draining = true;
      links.forEach(RelayLink::drain);
    }
  }

  /**
   * Stops reconnecting and closes every tunnel (and so every stream on them), waiting at most 5 s
   * when called off the event loop. Idempotent.
   */
  @Override
  public synchronized void close() {
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
