package dev.kpam.cli.access;

import dev.kpam.transport.spdy.SpdyStreamListener;
import dev.kpam.transport.spdy.SpdyStreams;
import dev.kpam.transport.splice.DrainUntilClosed;
import dev.kpam.transport.websocket.WebSocketFrameBoundary;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Set;

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
 *   <li>port-forward over SPDY/3.1 ({@code portforward.k8s.io}): the reason as text on the error
 *       stream of each forwarded connection, which kubectl prints as "an error occurred
 *       forwarding".
 * </ul>
 *
 * A stream caught mid-frame, and any other upgrade (port-forward tunnelled over WebSocket), just
 * closes. Both channels share one event loop, where this runs.
 */
final class LostGatewayStatus extends ChannelInboundHandlerAdapter {
  static final String NAME = "lost-gateway-status";
  private static final Set<String> STATUS_PROTOCOLS =
      Set.of("v4.channel.k8s.io", "v5.channel.k8s.io");
  private static final String PORT_FORWARD_PROTOCOL = "portforward.k8s.io";
  private static final String STREAM_PROTOCOL_VERSION = "X-Stream-Protocol-Version";
  private static final int ERROR_CHANNEL = 3;
  private static final String REASON =
      "the connection to the kpam gateway closed mid-stream (a gateway instance stopped?)";
  private static final byte[] EXEC_STATUS =
      status(REASON + "; the command may still be running in the pod");

  private final Channel kubectl;
  private final WebSocketFrameBoundary frames;
  private final SpdyStreams spdy;
  private final byte[] spdyMessage;

  private LostGatewayStatus(
      Channel kubectl, WebSocketFrameBoundary frames, SpdyStreams spdy, byte[] spdyMessage) {
    this.kubectl = kubectl;
    this.frames = frames;
    this.spdy = spdy;
    this.spdyMessage = spdyMessage;
  }

  /**
   * Joins the pipelines of {@code gateway} (before its splice) and, for SPDY, {@code kubectl}, for
   * the stream the 101 {@code switching} opened; nothing when it is not one this knows.
   */
  static void follow(HttpResponse switching, Channel kubectl, Channel gateway) {
    LostGatewayStatus lost = forUpgrade(switching, kubectl);
    if (lost == null) {
      return;
    }
    gateway.pipeline().addBefore("splice", NAME, lost);
    if (lost.spdy != null) {
      kubectl.pipeline().addBefore("splice", NAME, new FromKubectl(lost.spdy));
    }
  }

  private static LostGatewayStatus forUpgrade(HttpResponse switching, Channel kubectl) {
    String webSocketProtocol = switching.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
    String upgrade = switching.headers().get(HttpHeaderNames.UPGRADE, "").trim();
    String streamProtocol = switching.headers().get(STREAM_PROTOCOL_VERSION, "").trim();
    if (webSocketProtocol != null) {
      return STATUS_PROTOCOLS.contains(webSocketProtocol.trim())
          ? new LostGatewayStatus(kubectl, new WebSocketFrameBoundary(), null, null)
          : null;
    }
    if (!upgrade.equalsIgnoreCase("SPDY/3.1")) {
      return null;
    }
    byte[] message;
    if (STATUS_PROTOCOLS.contains(streamProtocol)) {
      message = EXEC_STATUS;
    } else if (streamProtocol.equals(PORT_FORWARD_PROTOCOL)) {
      message = REASON.getBytes(StandardCharsets.UTF_8);
    } else {
      return null;
    }
    return new LostGatewayStatus(kubectl, null, new SpdyStreams(SpdyStreamListener.NONE), message);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      if (frames != null) {
        frames.observe(bytes);
      } else {
        spdy.fromServer(bytes.asReadOnly());
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (frames != null) {
      if (kubectl.isActive() && frames.atFrameStart() && !frames.closing()) {
        ByteBuf out = kubectl.alloc().buffer();
        WebSocketFrameBoundary.writeChannelFrame(out, ERROR_CHANNEL, EXEC_STATUS);
        WebSocketFrameBoundary.writeCloseFrame(out);
        kubectl.writeAndFlush(out);
      }
    } else {
      ByteBuf ending = kubectl.isActive() ? spdy.endingFrames(kubectl.alloc(), spdyMessage) : null;
      spdy.close();
      if (ending != null) {
        // kubectl reads the error streams to their end and closes the connection itself; the
        // splice would close it at once, racing kubectl's frame handling.
        kubectl.pipeline().remove(FromKubectl.class);
        kubectl
            .pipeline()
            .replace("splice", "drain", new DrainUntilClosed(SpdyStreams.CLOSE_GRACE));
        ctx.pipeline().remove("splice");
        kubectl.writeAndFlush(ending);
      }
    }
    ctx.fireChannelInactive(); // the splice, where still there, closes kubectl once this is out
  }

  private static byte[] status(String message) {
    return KubeStatus.status(HttpResponseStatus.SERVICE_UNAVAILABLE, "ServiceUnavailable", message)
        .toString()
        .getBytes(StandardCharsets.UTF_8);
  }

  /** On kubectl's side of a SPDY stream: its SYN_STREAMs say which stream is which. */
  private static final class FromKubectl extends ChannelInboundHandlerAdapter {
    private final SpdyStreams spdy;

    FromKubectl(SpdyStreams spdy) {
      this.spdy = spdy;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf bytes) {
        spdy.fromClient(bytes.asReadOnly());
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      spdy.close();
      ctx.fireChannelInactive();
    }
  }
}
