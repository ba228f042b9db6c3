package dev.kpam.transport.spdy;

import io.netty.buffer.ByteBuf;

/**
 * What {@link SpdyStreams} tells about the streams of a SPDY/3.1 connection as their frames pass
 * (e.g. for the recording of issue #4). Called on the connection's event loop: it must not block,
 * and must not keep, modify or release the payloads it is shown.
 *
 * <pre>{@code
 * SpdyStreamListener output = new SpdyStreamListener() {
 *   public void data(SpdyStream s, Direction d, ByteBuf p) { if (s.type().equals("stdout")) cast.output(p); }
 * };
 * }</pre>
 */
public interface SpdyStreamListener {
  SpdyStreamListener NONE = new SpdyStreamListener() {};

  /** Which way a payload travels. */
  enum Direction {
    FROM_CLIENT,
    FROM_SERVER
  }

  /** The client opened {@code stream} (SYN_STREAM). */
  default void opened(SpdyStream stream) {}

  /**
   * A piece of a DATA frame's payload on {@code stream}, in order: a read-only view, valid only
   * during the call.
   */
  default void data(SpdyStream stream, Direction direction, ByteBuf payload) {}

  /** {@code stream} ended: both halves finished, either side reset it, or the connection ended. */
  default void closed(SpdyStream stream) {}
}
