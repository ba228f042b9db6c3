package dev.kpam.transport.splice;

import io.netty.channel.Channel;
import java.util.Objects;

/**
 * Joins two channels into one byte pipe. Each inbound message ({@code ByteBuf} or {@code
 * ByteBufHolder}) of one channel is written to the other; the next read is requested only when that
 * write has completed, so at most one read's worth of data is in flight per direction and no queue
 * grows. Auto-read is switched off on both channels. When one side becomes inactive the other is
 * flushed and closed; an exception on either side closes both.
 *
 * <p>The channels may belong to different event loops. An HTTP/2 stream channel must first be
 * adapted to {@code ByteBuf}s (see {@code dev.kpam.transport.tunnel.StreamFrames}).
 *
 * <pre>{@code
 * clientChannel.writeAndFlush(statusLine);
 * Splice.join(clientChannel, streamChannel);
 * }</pre>
 */
public final class Splice {
  private Splice() {}

  /** Splices {@code a} and {@code b}; both must carry byte messages and nothing else may read. */
  public static void join(Channel a, Channel b) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    a.config().setAutoRead(false);
    b.config().setAutoRead(false);
    a.pipeline().addLast("splice", new SpliceHandler(b));
    b.pipeline().addLast("splice", new SpliceHandler(a));
    if (!a.isActive() || !b.isActive()) {
      SpliceHandler.flushAndClose(a);
      SpliceHandler.flushAndClose(b);
      return;
    }
    a.read();
    b.read();
  }
}
