package dev.kpam.testing.kube;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;

/** The SPDY/3.1 frames the exec and port-forward handlers both write (moby/spdystream peers). */
final class SpdyStreams {
  private SpdyStreams() {}

  /**
   * Accepts a stream the client opened. The reply repeats its {@code streamtype}: spdystream cannot
   * parse an empty header block, which is what Netty would send for no headers.
   */
  static void reply(ChannelHandlerContext ctx, SpdySynStreamFrame syn) {
    DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(syn.streamId());
    CharSequence type = syn.headers().get("streamtype");
    reply.headers().set("streamtype", type == null ? "" : type);
    ctx.writeAndFlush(reply);
  }

  static void data(ChannelHandlerContext ctx, int streamId, byte[] data) {
    ctx.writeAndFlush(new DefaultSpdyDataFrame(streamId, Unpooled.wrappedBuffer(data)));
  }

  /** Half-closes a stream from the server's side (FLAG_FIN on an empty data frame). */
  static void finish(ChannelHandlerContext ctx, int streamId) {
    DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(streamId);
    fin.setLast(true);
    ctx.writeAndFlush(fin);
  }

  static void pong(ChannelHandlerContext ctx, SpdyPingFrame ping) {
    ctx.writeAndFlush(new DefaultSpdyPingFrame(ping.id()));
  }

  static String header(SpdySynStreamFrame syn, String name) {
    CharSequence value = syn.headers().get(name);
    return value == null ? "" : value.toString();
  }
}
