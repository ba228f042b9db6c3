package dev.kpam.testing.kube;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Carries a byte stream in binary WebSocket messages, as kubectl 1.30+ tunnels SPDY port-forward
 * through WebSocket (subprotocol {@code SPDY/3.1+portforward.k8s.io}, KEP-4006).
 */
final class WebSocketTunnel extends ChannelDuplexHandler {
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
      ctx.fireChannelRead(((io.netty.buffer.ByteBufHolder) msg).content());
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf bytes) {
      ctx.write(new BinaryWebSocketFrame(bytes), promise);
    } else {
      ctx.write(msg, promise);
    }
  }
}
