package dev.kpam.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Counts (and, if asked, keeps) the bytes a channel receives; releases every buffer. */
final class Collector extends ChannelInboundHandlerAdapter {
  private final boolean keep;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final CRC32 crc = new CRC32();
  private long count;

  Collector(boolean keep) {
    this.keep = keep;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf bytes = (ByteBuf) msg;
    try {
      byte[] copy = new byte[bytes.readableBytes()];
      bytes.readBytes(copy);
      synchronized (this) {
        crc.update(copy);
        count += copy.length;
        if (keep) {
          kept.writeBytes(copy);
        }
      }
    } finally {
      bytes.release();
    }
  }

  synchronized long count() {
    return count;
  }

  synchronized long crc() {
    return crc.getValue();
  }

  synchronized String text() {
    return kept.toString(StandardCharsets.UTF_8);
  }
}
