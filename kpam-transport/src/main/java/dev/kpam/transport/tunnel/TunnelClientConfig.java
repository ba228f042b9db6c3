package dev.kpam.transport.tunnel;

import dev.kpam.transport.net.HostPort;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a gateway's {@link TunnelClient} reaches its relays.
 *
 * <pre>{@code
 * new TunnelClientConfig(List.of("relay.example:7443"), () -> tls, handler, TunnelListener.none(), group,
 *     TunnelClientConfig.DEFAULT_INITIAL_BACKOFF, TunnelClientConfig.DEFAULT_MAX_BACKOFF, TunnelClientConfig.DEFAULT_DEAD_AFTER);
 * }</pre>
 *
 * @param relays relay addresses as {@code host:port} ({@code [v6]:port} for IPv6 literals)
 * @param tls asked for a context before every dial, so renewed certificates are used; build it with
 *     {@code TlsContexts.client(gatewayKey, gatewayChain, kpamCaChain, false)}
 * @param group a NIO event loop group; the client does not own it
 * @param initialBackoff the first reconnect delay; it doubles up to {@code maxBackoff}, ±20 %
 * @param deadAfter a tunnel that received nothing (no frame, no PING) for this long is closed
 */
public record TunnelClientConfig(
    List<String> relays,
    Supplier<SslContext> tls,
    TunnelStreamHandler handler,
    TunnelListener listener,
    EventLoopGroup group,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration deadAfter) {
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  public static final Duration DEFAULT_DEAD_AFTER = Duration.ofSeconds(30);

  public TunnelClientConfig {
    if (relays == null || relays.isEmpty()) {
      throw new IllegalArgumentException(
          "relays: " + relays + " (expected: at least one host:port)");
    }
    relays = List.copyOf(relays);
    relays.forEach(relay -> HostPort.parse("relay address", relay));
    if (relays.stream().distinct().count() != relays.size()) {
      throw new IllegalArgumentException("relays: " + relays + " (expected: no duplicates)");
    }
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(group, "group");
    requirePositive("initialBackoff", initialBackoff);
    requirePositive("maxBackoff", maxBackoff);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff: "
              + maxBackoff
              + " (expected: at least initialBackoff, "
              + initialBackoff
              + ")");
    }
    requirePositive("deadAfter", deadAfter);
  }

  /** A configuration with the default backoff (0.5 s to 30 s) and dead-tunnel time (30 s). */
  public TunnelClientConfig(
      List<String> relays,
      Supplier<SslContext> tls,
      TunnelStreamHandler handler,
      TunnelListener listener,
      EventLoopGroup group) {
    this(
        relays,
        tls,
        handler,
        listener,
        group,
        DEFAULT_INITIAL_BACKOFF,
        DEFAULT_MAX_BACKOFF,
        DEFAULT_DEAD_AFTER);
  }

  private static void requirePositive(String field, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: positive)");
    }
  }
}
