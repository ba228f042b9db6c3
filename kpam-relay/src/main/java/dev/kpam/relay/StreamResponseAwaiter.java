package dev.kpam.relay;

import dev.kpam.transport.tunnel.StreamFrames;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * Relay side of a new stream: waits for the gateway's response HEADERS; on {@code :status 200}
 * rewires the stream to bytes ({@link StreamFrames}) and completes {@code answered}.
 */
final class StreamResponseAwaiter extends ChannelInboundHandlerAdapter {
  static final String NAME = "await-response";

  private final CompletableFuture<Http2StreamChannel> answered;

  StreamResponseAwaiter(CompletableFuture<Http2StreamChannel> answered) {
    this.answered = answered;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Http2HeadersFrame)) {
      ReferenceCountUtil.release(msg);
      fail(ctx, new IOException("the gateway sent data before its response headers"));
      return;
    }
    Http2HeadersFrame response = (Http2HeadersFrame) msg;
    CharSequence status = response.headers().status();
    if (!"200".contentEquals(status == null ? "" : status) || response.isEndStream()) {
      fail(ctx, new IOException("the gateway answered the stream with status " + status));
      return;
    }
    ctx.pipeline().replace(this, StreamFrames.NAME, new StreamFrames());
    answered.complete((Http2StreamChannel) ctx.channel());
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!answered.isDone()) {
      ctx.read();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    answered.completeExceptionally(new IOException("the gateway closed the stream"));
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, cause);
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    answered.completeExceptionally(cause);
    ctx.close();
  }
}
