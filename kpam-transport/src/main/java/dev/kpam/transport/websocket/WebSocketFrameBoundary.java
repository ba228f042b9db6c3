package dev.kpam.transport.websocket;

import io.netty.buffer.ByteBuf;

/**
 * Follows the frame boundaries of the server-to-client half of a WebSocket stream (RFC 6455 §5.2)
 * so that kpam can insert its own frame between two of the server's without corrupting the stream:
 * the gateway (an expiry notice, a termination's {@code Status}) and the local proxy (the {@code
 * Status} of a stream whose gateway connection was lost).
 */
public final class WebSocketFrameBoundary {
  private final byte[] header = new byte[14];
  private int headerBytes;
  private long payloadLeft;
  private boolean lost;
  private boolean closing;

  public void observe(ByteBuf bytes) {
    for (int i = bytes.readerIndex(); i < bytes.writerIndex() && !lost; ) {
      if (payloadLeft > 0) {
        int skip = (int) Math.min(payloadLeft, bytes.writerIndex() - i);
        payloadLeft -= skip;
        i += skip;
        continue;
      }
      header[headerBytes++] = bytes.getByte(i++);
      if (headerBytes == 1 && (header[0] & 0x0f) == 0x8) {
        closing = true; // a close frame: the server ends the stream itself
      }
      int needed = headerLength();
      if (headerBytes == needed) {
        payloadLeft = payloadLength();
        headerBytes = 0;
        // A 64-bit length with its most significant bit set (RFC 6455 §5.2 forbids it): where
        // this frame ends cannot be known, so no later boundary can be either.
        lost = payloadLeft < 0;
      }
    }
  }

  /** Whether the bytes seen so far end exactly at a frame boundary; never after a bad length. */
  public boolean atFrameStart() {
    return !lost && headerBytes == 0 && payloadLeft == 0;
  }

  /** Whether the server has begun a close frame (it ends the stream; nothing may follow). */
  public boolean closing() {
    return closing;
  }

  private int headerLength() {
    if (headerBytes < 2) {
      return 2;
    }
    int len7 = header[1] & 0x7f;
    int mask = (header[1] & 0x80) != 0 ? 4 : 0;
    return 2 + mask + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
  }

  private long payloadLength() {
    int len7 = header[1] & 0x7f;
    if (len7 < 126) {
      return len7;
    }
    int bytes = len7 == 126 ? 2 : 8;
    long length = 0;
    for (int i = 0; i < bytes; i++) {
      length = (length << 8) | (header[2 + i] & 0xff);
    }
    return length;
  }

  /**
   * An unmasked binary frame (servers never mask, RFC 6455 §5.1) carrying {@code channel} followed
   * by {@code payload}: the channel framing of {@code v4/v5.channel.k8s.io}.
   */
  public static void writeChannelFrame(ByteBuf out, int channel, byte[] payload) {
    writeBinaryHeader(out, payload.length + 1);
    out.writeByte(channel).writeBytes(payload);
  }

  /** An unmasked binary frame carrying the readable bytes of {@code payload}, which it releases. */
  public static void writeBinaryFrame(ByteBuf out, ByteBuf payload) {
    try {
      writeBinaryHeader(out, payload.readableBytes());
      out.writeBytes(payload);
    } finally {
      payload.release();
    }
  }

  private static void writeBinaryHeader(ByteBuf out, int length) {
    out.writeByte(0x82);
    if (length < 126) {
      out.writeByte(length);
    } else if (length <= 0xffff) {
      out.writeByte(126).writeShort(length);
    } else {
      out.writeByte(127).writeLong(length);
    }
  }

  /** A close frame with status 1000 (normal closure). */
  public static void writeCloseFrame(ByteBuf out) {
    out.writeByte(0x88).writeByte(2).writeShort(1000);
  }
}
