package dev.kpam.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends one kubectl connection because its session is over. An exec/attach WebSocket stream ({@code
 * v4/v5.channel.k8s.io}) first gets the reason as a {@code Status} on channel 3 (error), which
 * kubectl prints; SPDY streams and plain HTTP connections are closed (writing into the SPDY error
 * stream needs the SPDY framing state, which the gateway does not keep).
 */
final class SessionTermination {
  private static final Logger log = LoggerFactory.getLogger(SessionTermination.class);
  private static final int ERROR_CHANNEL = 3;

  private SessionTermination() {}

  /** Must run on {@code connection.client}'s event loop. */
  static void terminate(ProxyConnection connection, String message) {
    if (connection.terminated || !connection.client.isOpen()) {
      return;
    }
    connection.terminated = true;
    log.info("closing a connection of session {}: {}", connection.sessionId, message);
    if (connection.upgradedUpstream != null) {
      // Stop the server's half first, so that nothing lands after kpam's last frame. Its relay
      // goes first: it would otherwise close the client as soon as the upstream is inactive,
      // racing the Status frame below.
      if (connection.upgradedUpstream.pipeline().get(ProtocolSwitch.RELAY) != null) {
        connection.upgradedUpstream.pipeline().remove(ProtocolSwitch.RELAY);
      }
      connection.upgradedUpstream.close();
    }
    if (connection.isChannelProtocol() && connection.serverFrames.atFrameStart()) {
      byte[] status = KubeStatus.forbidden(message).json();
      ByteBuf out = connection.client.alloc().buffer(status.length + 16);
      WebSocketFrameBoundary.writeChannelFrame(out, ERROR_CHANNEL, status);
      WebSocketFrameBoundary.writeCloseFrame(out);
      connection.client.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    } else {
      connection.client.close();
    }
  }
}
