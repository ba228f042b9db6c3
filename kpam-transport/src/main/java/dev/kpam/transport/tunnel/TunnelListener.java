package dev.kpam.transport.tunnel;

import io.netty.channel.Channel;

/**
 * Told when a tunnel to a relay comes up (after its TLS handshake) or goes down, and when a relay
 * says it is stopping; for logs, heartbeats and draining. Called on an event loop; must not block.
 *
 * <pre>{@code
 * TunnelListener listener = TunnelListener.of(
 *     relay -> log.info("tunnel to {} up", relay), relay -> log.info("tunnel to {} down", relay));
 * }</pre>
 */
public interface TunnelListener {
  default void connected(String relayAddress) {}

  default void disconnected(String relayAddress) {}

  /**
   * The relay at {@code relayAddress} is stopping (it sent a GOAWAY on {@code tunnel}): it takes no
   * new client connections, and waits for those it carries to end before it closes the tunnel. The
   * streams on {@code tunnel} are those the relay opened ({@code stream.parent() == tunnel}); see
   * also {@link TunnelClient#fromDrainingRelay}.
   */
  default void relayDraining(String relayAddress, Channel tunnel) {}

  /** A listener that ignores both events. */
  static TunnelListener none() {
    return of(relay -> {}, relay -> {});
  }

  static TunnelListener of(
      java.util.function.Consumer<String> connected,
      java.util.function.Consumer<String> disconnected) {
    return new TunnelListener() {
      @Override
      public void connected(String relayAddress) {
        connected.accept(relayAddress);
      }

      @Override
      public void disconnected(String relayAddress) {
        disconnected.accept(relayAddress);
      }
    };
  }
}
