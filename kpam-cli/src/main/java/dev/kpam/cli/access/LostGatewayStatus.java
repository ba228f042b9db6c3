package dev.kpam.cli.access;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kpam.transport.websocket.WebSocketFrameBoundary;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * On the gateway side of an upgraded exec/attach WebSocket stream ({@code v4/v5.channel.k8s.io}):
 * follows the server's frames, and when the gateway connection goes away without the server having
 * closed the stream (a killed gateway instance, a lost relay), gives kubectl a {@code Status} on
 * the error channel and a close frame before its connection closes, so that kubectl prints why
 * instead of "connection reset". A stream caught mid-frame just closes. SPDY streams are left
 * alone.
 */
final class LostGatewayStatus extends ChannelInboundHandlerAdapter {
  static final String NAME = "lost-gateway-status";
  private static final Set<String> STATUS_PROTOCOLS =
      Set.of("v4.channel.k8s.io", "v5.channel.k8s.io");
  private static final int ERROR_CHANNEL = 3;

  private final Channel kubectl;
  private final WebSocketFrameBoundary frames = new WebSocketFrameBoundary();

  private LostGatewayStatus(Channel kubectl) {
    this.kubectl = kubectl;
  }

  /** For the stream a 101 with this WebSocket subprotocol opened, or null when it is not one. */
  static LostGatewayStatus forProtocol(String webSocketProtocol, Channel kubectl) {
    return webSocketProtocol != null && STATUS_PROTOCOLS.contains(webSocketProtocol)
        ? new LostGatewayStatus(kubectl)
        : null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      frames.observe(bytes);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (kubectl.isActive() && frames.atFrameStart() && !frames.closing()) {
      ObjectNode status =
          KubeStatus.status(
              HttpResponseStatus.SERVICE_UNAVAILABLE,
              "ServiceUnavailable",
              "the connection to the kpam gateway closed mid-stream (a gateway instance"
                  + " stopped?); the command may still be running in the pod");
      ByteBuf out = kubectl.alloc().buffer();
      WebSocketFrameBoundary.writeChannelFrame(
          out, ERROR_CHANNEL, status.toString().getBytes(StandardCharsets.UTF_8));
      WebSocketFrameBoundary.writeCloseFrame(out);
      kubectl.writeAndFlush(out);
    }
    ctx.fireChannelInactive(); // the splice closes kubectl's connection once this is out
  }
}
