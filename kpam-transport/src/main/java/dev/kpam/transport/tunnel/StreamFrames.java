package dev.kpam.transport.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Adapts an HTTP/2 stream channel to a channel of {@code ByteBuf}s, after the stream's HEADERS were
 * exchanged: inbound DATA frames become their content, outbound {@code ByteBuf}s become DATA
 * frames, and closing the channel first half-closes the stream with an empty END_STREAM DATA frame
 * (RFC 9113 §8.1) so buffered data is delivered before the stream goes away. A peer's END_STREAM
 * closes the channel, as the byte pipe it carries has ended.
 *
 * <pre>{@code
 * streamChannel.pipeline().addLast(StreamFrames.NAME, new StreamFrames());
 * Splice.join(clientChannel, streamChannel);
 * }</pre>
 */
public final class StreamFrames extends ChannelDuplexHandler {
  /** The name kpam gives this handler in a stream channel's pipeline. */
  public static final String NAME = "stream-frames";

  private boolean endStreamSent;
  private boolean forwardedSinceRead;
  private boolean readRequested;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Http2DataFrame) {
      Http2DataFrame frame = (Http2DataFrame) msg;
      boolean endStream = frame.isEndStream();
      if (frame.content().isReadable()) {
        forwardedSinceRead = true;
        readRequested = false;
        // The frame's content shares the frame's reference count: passing it on passes ownership.
        ctx.fireChannelRead(frame.content());
      } else {
        frame.release();
      }
      if (endStream) {
        ctx.channel().close();
      }
    } else if (msg instanceof Http2HeadersFrame && ((Http2HeadersFrame) msg).isEndStream()) {
      ctx.channel().close(); // trailers end the stream as well
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (forwardedSinceRead) {
      forwardedSinceRead = false;
      ctx.fireChannelReadComplete();
    } else if (readRequested && !ctx.channel().config().isAutoRead()) {
      // A read asked for downstream brought only frames without bytes: ask again for it.
      ctx.read();
    }
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    readRequested = true;
    ctx.read();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf) {
      ctx.write(new DefaultHttp2DataFrame((ByteBuf) msg, false), promise);
    } else {
      ctx.write(msg, promise);
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (endStreamSent || !ctx.channel().isActive()) {
      ctx.close(promise);
      return;
    }
    endStreamSent = true;
    ctx.writeAndFlush(new DefaultHttp2DataFrame(true))
        .addListener((ChannelFutureListener) sent -> ctx.close(promise));
  }
}
