package dev.kpam.transport.spdy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One side of a SPDY/3.1 connection, encoding its frames with Netty's own codec: its header blocks
 * share one zlib stream, as on the wire.
 */
final class SpdyPeer implements AutoCloseable {
  private final EmbeddedChannel codec =
      new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));

  /** The bytes of {@code frames}, in order. */
  byte[] encode(SpdyFrame... frames) {
    codec.writeOutbound((Object[]) frames);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuf bytes; (bytes = codec.readOutbound()) != null; ) {
      out.writeBytes(ByteBufUtil.getBytes(bytes));
      bytes.release();
    }
    return out.toByteArray();
  }

  static DefaultSpdySynStreamFrame syn(int streamId, String... headers) {
    DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(streamId, 0, (byte) 0);
    for (int i = 0; i < headers.length; i += 2) {
      syn.headers().set(headers[i], headers[i + 1]);
    }
    return syn;
  }

  static DefaultSpdySynReplyFrame reply(int streamId) {
    DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(streamId);
    reply.headers().set("streamtype", "whatever");
    return reply;
  }

  static DefaultSpdyDataFrame data(int streamId, String text) {
    return new DefaultSpdyDataFrame(
        streamId, Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
  }

  static DefaultSpdyDataFrame fin(int streamId) {
    DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(streamId);
    fin.setLast(true);
    return fin;
  }

  @Override
  public void close() {
    codec.finishAndReleaseAll();
  }
}
