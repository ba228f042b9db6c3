package dev.kpam.testing.kube;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;

/** Answers pings, drops pongs, and completes the closing handshake (RFC 6455 section 5.5). */
final class WebSocketControlFrames extends ChannelInboundHandlerAdapter {
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PingWebSocketFrame ping) {
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
    } else if (msg instanceof PongWebSocketFrame pong) {
      pong.release();
    } else if (msg instanceof CloseWebSocketFrame close) {
      close.release();
      ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.fireChannelRead(msg);
    }
  }
}
