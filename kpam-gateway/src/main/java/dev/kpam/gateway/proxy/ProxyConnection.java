package dev.kpam.gateway.proxy;

import dev.kpam.protocol.sessions.SessionLookup;
import io.netty.channel.Channel;
import java.util.concurrent.ScheduledFuture;

/**
 * What the gateway knows about one kubectl connection: its session, the looked-up target, and,
 * after a protocol switch, the upgraded stream. Touched only on the connection's event loop.
 */
final class ProxyConnection {
  final Channel client;
  final String sessionId;
  SessionLookup lookup;
  UpstreamTarget target;
  ScheduledFuture<?> expiry;

  /** Set after a 101: {@code SPDY/3.1} or the WebSocket subprotocol. */
  String upgradedProtocol;

  Channel upgradedUpstream;
  WebSocketFrameBoundary serverFrames;
  boolean terminated;

  ProxyConnection(Channel client, String sessionId) {
    this.client = client;
    this.sessionId = sessionId;
  }

  boolean isChannelProtocol() {
    return upgradedProtocol != null
        && (upgradedProtocol.equals("v4.channel.k8s.io")
            || upgradedProtocol.equals("v5.channel.k8s.io"));
  }
}
