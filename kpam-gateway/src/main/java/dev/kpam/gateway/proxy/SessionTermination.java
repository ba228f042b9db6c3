package dev.kpam.gateway.proxy;

import dev.kpam.gateway.proxy.spdy.SpdyStream;
import dev.kpam.gateway.proxy.spdy.SpdyStreams;
import dev.kpam.transport.websocket.WebSocketFrameBoundary;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.time.Duration;
import java.util.List;
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
 *       Status} as the whole content of that stream (a DATA frame with FLAG_FIN), and every other
 *       stream the server left open is finished. kubectl reads the error stream to its end, prints
 *       the message ({@code errorDecoderV4}: a Failure that is not NonZeroExitCode becomes an error
 *       of its message) and closes the connection itself; it gets {@link #SPDY_GRACE} to do so.
 *       Closing at once would race kubectl's frame handling, which drops data that arrives on a
 *       stream after its connection ended.
 *   <li>Anything else (plain HTTP, port-forward, a stream caught mid-frame) is closed.
 * </ul>
 */
final class SessionTermination {
  /**
   * How long kubectl gets to read the reason and close a SPDY connection itself. Its upstream is
   * closed at once and nothing flows meanwhile (the rest is drained), but the connection stays open
   * this long at most. With 0.9 s, kubectl once printed nothing in a loaded CI run (its frame
   * handling runs behind); the SPDY tests were first proven with 5 s.
   */
  static final Duration SPDY_GRACE = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(SessionTermination.class);
  private static final int ERROR_CHANNEL = 3;
  private static final String ERROR_STREAM = "error";
  private static final byte[] NO_DATA = new byte[0];

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
    } else if (connection.isSpdyStatusProtocol() && endSpdyStreams(connection, message)) {
      client.pipeline().replace(ProtocolSwitch.RELAY, "drain", new DrainUntilClosed(SPDY_GRACE));
    } else {
      client.close();
    }
  }

  /** Writes the SPDY frames that end the exec stream with {@code message}, if there is room. */
  private static boolean endSpdyStreams(ProxyConnection connection, String message) {
    SpdyStreams spdy = connection.spdyStreams;
    List<SpdyStream> streams = spdy.streams();
    SpdyStream error =
        streams.stream().filter(s -> s.type().equals(ERROR_STREAM)).findFirst().orElse(null);
    if (!spdy.serverAtFrameStart()
        || error == null
        || !error.serverHalfOpen()
        || error.bytesFromServer() > 0) {
      return false;
    }
    byte[] status = KubeStatus.forbidden(message).json();
    ByteBuf out = connection.client.alloc().buffer(status.length + 8 * streams.size());
    SpdyStreams.writeDataFrame(out, error.id(), status, true);
    for (SpdyStream stream : streams) {
      if (stream != error && stream.serverHalfOpen()) {
        SpdyStreams.writeDataFrame(out, stream.id(), NO_DATA, true);
      }
    }
    connection.client.writeAndFlush(out);
    return true;
  }
}
