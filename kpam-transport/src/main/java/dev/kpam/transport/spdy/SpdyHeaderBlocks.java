package dev.kpam.transport.spdy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyHeadersFrame;
import io.netty.handler.codec.spdy.SpdyProtocolException;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Decodes the header blocks of one direction of a SPDY/3.1 connection. They are compressed with a
 * single zlib stream per direction for the whole connection, with the SPDY/3 dictionary
 * (draft-mbelshe-httpbis-spdy-00 §2.6.10.1), so every header-carrying control frame (SYN_STREAM,
 * SYN_REPLY, HEADERS) of that direction must pass through the same decoder, in order.
 *
 * <p>Netty's zlib header block decoder is package-private; its public face is {@link
 * SpdyFrameCodec}, which runs here in an {@link EmbeddedChannel} fed whole control frames only (so
 * it never holds a partial frame). The price is a header encoder (a zlib deflater) that the codec
 * builds and this never uses.
 */
final class SpdyHeaderBlocks implements AutoCloseable {
  private static final int MAX_CHUNK = 8192;
  private static final int COMPRESSION_LEVEL = 6;
  private static final int WINDOW_BITS = 15;
  private static final int MEM_LEVEL = 8;

  private final EmbeddedChannel codec;

  /** {@code maxHeaderSize}: decoded names and values beyond it are dropped (truncated). */
  SpdyHeaderBlocks(int maxHeaderSize) {
    codec =
        new EmbeddedChannel(
            new SpdyFrameCodec(
                SpdyVersion.SPDY_3_1,
                MAX_CHUNK,
                maxHeaderSize,
                COMPRESSION_LEVEL,
                WINDOW_BITS,
                MEM_LEVEL,
                false));
  }

  /** The headers of {@code frame}, a whole header-carrying control frame. */
  SpdyHeadersFrame decode(byte[] frame) throws SpdyProtocolException {
    try {
      codec.writeInbound(Unpooled.wrappedBuffer(frame));
    } catch (Exception e) {
      // The codec reports a bad frame or header block through the pipeline; EmbeddedChannel
      // rethrows it here.
      throw new SpdyProtocolException("undecodable header block: " + e.getMessage());
    }
    SpdyHeadersFrame decoded = null;
    for (Object message; (message = codec.readInbound()) != null; ) {
      if (message instanceof SpdyHeadersFrame headers) {
        decoded = headers;
      }
      ReferenceCountUtil.release(message);
    }
    if (decoded == null || decoded.isInvalid()) {
      throw new SpdyProtocolException("undecodable header block");
    }
    return decoded;
  }

  /** Ends the zlib streams and drops anything the codec still holds; idempotent. */
  @Override
  public void close() {
    codec.close();
    codec.releaseInbound();
  }
}
