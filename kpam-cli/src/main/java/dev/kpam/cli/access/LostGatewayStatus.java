package dev.kpam.cli.access;

import dev.kpam.transport.spdy.SpdyStreamListener;
import dev.kpam.transport.spdy.SpdyStreams;
import dev.kpam.transport.splice.DrainUntilClosed;
import dev.kpam.transport.websocket.WebSocketFrameBoundary;
import dev.kpam.transport.websocket.WebSocketFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the gateway side of an upgraded stream: follows its frames, and when the gateway connection
 * goes away without the server having ended the stream (a killed gateway instance, a lost relay),
 * tells kubectl why before its connection closes, so that kubectl prints that instead of
 * "connection reset" or "lost connection to pod".
 *
 * <ul>
 *   <li>exec/attach over WebSocket ({@code v4/v5.channel.k8s.io}): a {@code Status} on the error
 *       channel and a close frame.
 *   <li>exec/attach over SPDY/3.1 ({@code X-Stream-Protocol-Version} v4/v5, API servers before
 *       1.30): the {@code Status} as the content of the error stream, the other streams finished
 *       ({@link SpdyStreams#endingFrames}); kubectl closes the connection itself.
 *   <li>port-forward over SPDY/3.1 ({@code portforward.k8s.io}), plain or tunnelled in WebSocket
 *       ({@code SPDY/3.1+portforward.k8s.io}, kubectl 1.31+ against API servers 1.30+): the reason
 *       as text on the error stream of each forwarded connection, which kubectl prints as "an error
 *       occurred forwarding"; kubectl closes the connection itself.
 * </ul>
 *
 * A stream caught mid-frame, or whose frames could not be followed, just closes. Both channels
 * share one event loop, where this runs.
 */
final class LostGatewayStatus extends ChannelInboundHandlerAdapter {
  static final String NAME = "lost-gateway-status";
  private static final Logger log = LoggerFactory.getLogger(LostGatewayStatus.class);
  private static final Set<String> STATUS_PROTOCOLS =
      Set.of("v4.channel.k8s.io", "v5.channel.k8s.io");
  private static final String PORT_FORWARD_PROTOCOL = "portforward.k8s.io";
  private static final String TUNNELLED_PORT_FORWARD = "SPDY/3.1+portforward.k8s.io";
  private static final String STREAM_PROTOCOL_VERSION = "X-Stream-Protocol-Version";
  private static final int ERROR_CHANNEL = 3;
  private static final String REASON =
      "the connection to the kpam gateway closed mid-stream (a gateway instance stopped?)";
  private static final byte[] EXEC_STATUS =
      KubeStatus.status(
              HttpResponseStatus.SERVICE_UNAVAILABLE,
              "ServiceUnavailable",
              REASON + "; the command may still be running in the pod")
          .toString()
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] PORT_FORWARD_ERROR = REASON.getBytes(StandardCharsets.UTF_8);

  private final Channel kubectl;
  private final Follower follower;
  private boolean lost;

  private LostGatewayStatus(Channel kubectl, Follower follower) {
    this.kubectl = kubectl;
    this.follower = follower;
  }

  /**
   * Joins the pipelines of {@code gateway} (before its splice) and, where the client's frames
   * matter, {@code kubectl}, for the stream the 101 {@code switching} opened; nothing when it is
   * not one this knows.
   */
  static void follow(HttpResponse switching, Channel kubectl, Channel gateway) {
    Follower follower = followerFor(switching);
    if (follower == null) {
      return;
    }
    LostGatewayStatus lost = new LostGatewayStatus(kubectl, follower);
    gateway.pipeline().addBefore("splice", NAME, lost);
    if (follower.kubectlCloses()) {
      kubectl.pipeline().addBefore("splice", NAME, lost.new FromKubectl());
    }
  }

  private static Follower followerFor(HttpResponse switching) {
    String webSocketProtocol =
        switching.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, "").trim();
    String upgrade = switching.headers().get(HttpHeaderNames.UPGRADE, "").trim();
    String streamProtocol = switching.headers().get(STREAM_PROTOCOL_VERSION, "").trim();
    if (STATUS_PROTOCOLS.contains(webSocketProtocol)) {
      return new ChannelStream();
    }
    if (webSocketProtocol.equals(TUNNELLED_PORT_FORWARD)) {
      return new TunnelledSpdy();
    }
    if (!webSocketProtocol.isEmpty() || !upgrade.equalsIgnoreCase("SPDY/3.1")) {
      return null;
    }
    if (STATUS_PROTOCOLS.contains(streamProtocol)) {
      return new Spdy(EXEC_STATUS);
    }
    return streamProtocol.equals(PORT_FORWARD_PROTOCOL) ? new Spdy(PORT_FORWARD_ERROR) : null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      follow(() -> follower.fromServer(bytes));
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    ByteBuf ending = kubectl.isActive() && !lost ? follower.ending(kubectl.alloc()) : null;
    follower.close();
    if (ending != null && follower.kubectlCloses()) {
      // kubectl reads the error streams to their end and closes the connection itself; the
      // splice would close it at once, racing kubectl's frame handling.
      kubectl.pipeline().remove(FromKubectl.class);
      kubectl.pipeline().replace("splice", "drain", new DrainUntilClosed(SpdyStreams.CLOSE_GRACE));
      ctx.pipeline().remove("splice");
    }
    if (ending != null) {
      kubectl.writeAndFlush(ending);
    }
    ctx.fireChannelInactive(); // the splice, where still there, closes kubectl once this is out
  }

  /** Stops following, quietly, at frames it cannot read: the stream then just closes. */
  private void follow(Runnable read) {
    if (lost) {
      return;
    }
    try {
      read.run();
    } catch (RuntimeException e) {
      log.debug("no longer following the frames of {}: {}", kubectl, e.toString());
      lost = true;
    }
  }

  /** One kind of upgraded stream, followed in both directions. */
  private interface Follower {
    void fromServer(ByteBuf bytes);

    default void fromClient(ByteBuf bytes) {}

    /** What ends the stream saying why, or null where there is no room for it. */
    ByteBuf ending(ByteBufAllocator alloc);

    /** Whether kubectl closes the connection itself after the ending (else the splice does). */
    boolean kubectlCloses();

    default void close() {}
  }

  /** exec/attach over WebSocket: only the server's frame boundaries matter. */
  private static final class ChannelStream implements Follower {
    private final WebSocketFrameBoundary frames = new WebSocketFrameBoundary();

    @Override
    public void fromServer(ByteBuf bytes) {
      frames.observe(bytes);
    }

    @Override
    public ByteBuf ending(ByteBufAllocator alloc) {
      if (!frames.atFrameStart() || frames.closing()) {
        return null;
      }
      ByteBuf out = alloc.buffer();
      WebSocketFrameBoundary.writeChannelFrame(out, ERROR_CHANNEL, EXEC_STATUS);
      WebSocketFrameBoundary.writeCloseFrame(out);
      return out;
    }

    @Override
    public boolean kubectlCloses() {
      return false;
    }
  }

  /** SPDY/3.1: the client's SYN_STREAMs say which stream is which. */
  private static class Spdy implements Follower {
    final SpdyStreams streams = new SpdyStreams(SpdyStreamListener.NONE);
    private final byte[] message;

    Spdy(byte[] message) {
      this.message = message;
    }

    @Override
    public void fromServer(ByteBuf bytes) {
      streams.fromServer(bytes.asReadOnly());
    }

    @Override
    public void fromClient(ByteBuf bytes) {
      streams.fromClient(bytes.asReadOnly());
    }

    @Override
    public ByteBuf ending(ByteBufAllocator alloc) {
      return streams.endingFrames(alloc, message);
    }

    @Override
    public boolean kubectlCloses() {
      return true;
    }

    @Override
    public void close() {
      streams.close();
    }
  }

  /** SPDY/3.1 inside WebSocket binary messages (KEP-4006's port-forward tunnel). */
  private static final class TunnelledSpdy extends Spdy {
    private final WebSocketFrames clientFrames = new WebSocketFrames(new Payloads(true));
    private final WebSocketFrames serverFrames = new WebSocketFrames(new Payloads(false));
    private boolean serverClosing;

    TunnelledSpdy() {
      super(PORT_FORWARD_ERROR);
    }

    @Override
    public void fromServer(ByteBuf bytes) {
      serverFrames.read(bytes);
    }

    @Override
    public void fromClient(ByteBuf bytes) {
      clientFrames.read(bytes);
    }

    @Override
    public ByteBuf ending(ByteBufAllocator alloc) {
      if (serverClosing || !serverFrames.atFrameStart()) {
        return null;
      }
      ByteBuf spdy = super.ending(alloc);
      if (spdy == null) {
        return null;
      }
      ByteBuf out = alloc.buffer(spdy.readableBytes() + 10);
      WebSocketFrameBoundary.writeBinaryFrame(out, spdy);
      return out;
    }

    /** The SPDY bytes of one direction's messages, as they come. */
    private final class Payloads implements WebSocketFrames.Messages {
      private final boolean fromClient;

      Payloads(boolean fromClient) {
        this.fromClient = fromClient;
      }

      @Override
      public void payload(byte[] bytes, int offset, int length, boolean messageStart) {
        ByteBuf piece = Unpooled.wrappedBuffer(bytes, offset, length);
        if (fromClient) {
          streams.fromClient(piece);
        } else {
          streams.fromServer(piece);
        }
      }

      @Override
      public void close() {
        if (!fromClient) {
          serverClosing = true;
        }
      }
    }
  }

  /** On kubectl's side of the stream. */
  private final class FromKubectl extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf bytes) {
        follow(() -> follower.fromClient(bytes));
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      follower.close();
      ctx.fireChannelInactive();
    }
  }
}
