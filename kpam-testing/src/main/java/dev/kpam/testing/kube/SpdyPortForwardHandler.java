package dev.kpam.testing.kube;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.HashMap;
import java.util.Map;

/**
 * Port-forward over SPDY/3.1 ({@code portforward.k8s.io}), plain or tunnelled in WebSocket: each
 * forwarded connection is a pair of streams (error, data) sharing a {@code requestid}. Every port
 * of the fake pod is an echo server: data comes back on its stream, and when the client half-closes
 * it the server closes both streams of the pair. Reading pauses while the client is slow to take
 * the echo, so nothing queues without bound.
 */
final class SpdyPortForwardHandler extends ChannelInboundHandlerAdapter {
  private final Map<Integer, String> requestOfDataStream = new HashMap<>();
  private final Map<String, Integer> errorStreamOfRequest = new HashMap<>();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof SpdyDataFrame data) {
      echo(ctx, data);
      return;
    }
    try {
      if (msg instanceof SpdySynStreamFrame syn) {
        SpdyStreams.reply(ctx, syn);
        String request = SpdyStreams.header(syn, "requestid");
        if (SpdyStreams.header(syn, "streamtype").equals("error")) {
          errorStreamOfRequest.put(request, syn.streamId());
        } else {
          requestOfDataStream.put(syn.streamId(), request);
        }
      } else if (msg instanceof SpdyPingFrame ping) {
        SpdyStreams.pong(ctx, ping);
      } else if (msg instanceof SpdyGoAwayFrame) {
        ctx.close();
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void echo(ChannelHandlerContext ctx, SpdyDataFrame data) {
    String request = requestOfDataStream.get(data.streamId());
    if (request == null) {
      data.release();
      return;
    }
    boolean last = data.isLast();
    if (data.content().isReadable()) {
      ctx.writeAndFlush(new DefaultSpdyDataFrame(data.streamId(), data.content()));
    } else {
      data.release();
    }
    if (!ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
    if (last) {
      SpdyStreams.finish(ctx, data.streamId());
      Integer error = errorStreamOfRequest.remove(request);
      if (error != null) {
        SpdyStreams.finish(ctx, error);
      }
      requestOfDataStream.remove(data.streamId());
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }
}
