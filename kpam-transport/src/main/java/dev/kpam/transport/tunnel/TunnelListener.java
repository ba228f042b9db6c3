package dev.kpam.transport.tunnel;

/**
 * Told when a tunnel to a relay comes up (after its TLS handshake) or goes down; for logs and
 * heartbeats. Called on an event loop; must not block.
 *
 * <pre>{@code
 * TunnelListener listener = TunnelListener.of(
 *     relay -> log.info("tunnel to {} up", relay), relay -> log.info("tunnel to {} down", relay));
 * }</pre>
 */
public interface TunnelListener {
  void connected(String relayAddress);

  void disconnected(String relayAddress);

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
