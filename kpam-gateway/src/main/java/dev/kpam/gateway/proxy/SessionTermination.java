package dev.kpam.gateway.proxy;

import dev.kpam.transport.spdy.SpdyStreams;
import dev.kpam.transport.splice.DrainUntilClosed;
import dev.kpam.transport.websocket.WebSocketFrameBoundary;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends one kubectl connection because its session is over, telling kubectl why where the stream has
 * room for it. In every case the upstream's relay stops first, so that nothing the API server still
 * sends lands after kpam's own frames.
 *
 * <ul>
 *   <li>An exec/attach WebSocket stream ({@code v4/v5.channel.k8s.io}) at a frame boundary gets the
 *       reason as a {@code Status} on channel 3 (error) and a close frame; then the connection
 *       closes.
 *   <li>An exec/attach SPDY/3.1 stream ({@code X-Stream-Protocol-Version} v4/v5) at a frame
 *       boundary, whose error stream the server has answered but not written on, gets the {@code
 *       Status} as the whole content of that stream and every other stream the server left open is
 *       finished ({@link SpdyStreams#endingFrames}). kubectl prints the message and closes the
 *       connection itself; it gets {@link SpdyStreams#CLOSE_GRACE} to do so.
 *   <li>Anything else (plain HTTP, port-forward, a stream caught mid-frame) is closed.
 * </ul>
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
    log.debug("closing {} of session {}: {}", connection.client, connection.sessionId, message);
    if (connection.upgradedUpstream != null) {
      // Stop the server's half first, so that nothing lands after kpam's last frame. Its relay
      // goes first: it would otherwise close the client as soon as the upstream is inactive,
      // racing the Status frame below.
      if (connection.upgradedUpstream.pipeline().get(ProtocolSwitch.RELAY) != null) {
        connection.upgradedUpstream.pipeline().remove(ProtocolSwitch.RELAY);
      }
      connection.upgradedUpstream.close();
    }
    Channel client = connection.client;
    if (connection.isChannelProtocol() && connection.serverFrames.atFrameStart()) {
      byte[] status = KubeStatus.forbidden(message).json();
      ByteBuf out = client.alloc().buffer(status.length + 16);
      WebSocketFrameBoundary.writeChannelFrame(out, ERROR_CHANNEL, status);
      WebSocketFrameBoundary.writeCloseFrame(out);
      client.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    } else if (!connection.isSpdyStatusProtocol() || !endSpdyStreams(connection, message)) {
      client.close();
    }
  }

  /** Ends the exec stream with {@code message} and lets kubectl close, if there is room. */
  private static boolean endSpdyStreams(ProxyConnection connection, String message) {
    Channel client = connection.client;
    ByteBuf ending =
        connection.spdyStreams.endingFrames(client.alloc(), KubeStatus.forbidden(message).json());
    if (ending == null) {
      return false;
    }
    client.writeAndFlush(ending);
    client
        .pipeline()
        .replace(ProtocolSwitch.RELAY, "drain", new DrainUntilClosed(SpdyStreams.CLOSE_GRACE));
    return true;
  }
}
