package dev.kpam.gateway.record.cast;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/** Frames as kubectl and the API server put them on the wire, and how the gateway reads them. */
final class Wire {
  private Wire() {}

  /** The bytes of WebSocket {@code frames}, masked when {@code client} (RFC 6455 §5.3). */
  static byte[] webSocket(boolean client, WebSocketFrame... frames) {
    return encode(new EmbeddedChannel(new WebSocket08FrameEncoder(client)), (Object[]) frames);
  }

  /** The bytes of SPDY/3.1 frames of one side of a connection (its header blocks share a zlib). */
  static final class Spdy implements AutoCloseable {
    private final EmbeddedChannel codec =
        new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));

    byte[] encode(SpdyFrame... frames) {
      codec.writeOutbound((Object[]) frames);
      return drain(codec);
    }

    @Override
    public void close() {
      codec.finishAndReleaseAll();
    }
  }

  /**
   * Hands {@code bytes} to {@code reader} in reads of {@code chunk} bytes, each a read-only view of
   * a leak-tracked buffer that is released after the call: the reader must not release or retain.
   */
  static void feed(Consumer<ByteBuf> reader, byte[] bytes, int chunk) {
    for (int i = 0; i < bytes.length; i += chunk) {
      int length = Math.min(chunk, bytes.length - i);
      ByteBuf read = Unpooled.buffer(length + 4).writeZero(2).writeBytes(bytes, i, length);
      read.readerIndex(2);
      reader.accept(read.asReadOnly());
      assertThat(read.refCnt()).isEqualTo(1);
      assertThat(read.readerIndex()).isEqualTo(2);
      read.release();
    }
  }

  private static byte[] encode(EmbeddedChannel channel, Object... messages) {
    channel.writeOutbound(messages);
    byte[] bytes = drain(channel);
    channel.finishAndReleaseAll();
    return bytes;
  }

  private static byte[] drain(EmbeddedChannel channel) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuf bytes; (bytes = channel.readOutbound()) != null; ) {
      out.writeBytes(ByteBufUtil.getBytes(bytes));
      bytes.release();
    }
    return out.toByteArray();
  }
}
