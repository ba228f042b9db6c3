package dev.kpam.gateway.proxy;

import dev.kpam.protocol.sessions.SessionLookup;
import dev.kpam.transport.spdy.SpdyStreams;
import dev.kpam.transport.websocket.WebSocketFrameBoundary;
import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

/**
 * What the gateway knows about one kubectl connection: its session, the looked-up target, and,
 * after a protocol switch, the upgraded stream. Touched only on the connection's event loop.
 */
final class ProxyConnection {
  /** The exec/attach protocols whose error channel or stream carries a {@code Status}. */
  private static final Set<String> STATUS_PROTOCOLS =
      Set.of("v4.channel.k8s.io", "v5.channel.k8s.io");

  final Channel client;
  final String sessionId;
  SessionLookup lookup;
  UpstreamTarget target;
  ScheduledFuture<?> expiry;

  /** Set after a 101: {@code SPDY/3.1} or the WebSocket subprotocol. */
  String upgradedProtocol;

  Channel upgradedUpstream;

  /** After a WebSocket 101: the server-to-client frame boundaries. */
  WebSocketFrameBoundary serverFrames;

  /** After a SPDY/3.1 101: its streams, and the stream protocol the server chose. */
  SpdyStreams spdyStreams;

  String spdyStreamProtocol;

  boolean terminated;

  /** Records the connection's HTTP exchanges; names their requests. */
  ExchangeRecorder recorder;

  ProxyConnection(Channel client, String sessionId) {
    this.client = client;
    this.sessionId = sessionId;
  }

  /** An exec/attach WebSocket stream whose channel 3 carries a {@code Status}. */
  boolean isChannelProtocol() {
    return serverFrames != null && isStatusProtocol(upgradedProtocol);
  }

  /** An exec/attach SPDY stream whose error stream carries a {@code Status}. */
  boolean isSpdyStatusProtocol() {
    return spdyStreams != null && isStatusProtocol(spdyStreamProtocol);
  }

  private static boolean isStatusProtocol(String protocol) {
    return protocol != null && STATUS_PROTOCOLS.contains(protocol);
  }
}
