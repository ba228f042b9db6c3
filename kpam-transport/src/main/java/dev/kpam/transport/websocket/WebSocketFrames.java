package dev.kpam.transport.websocket;

import io.netty.buffer.ByteBuf;

/**
 * Reads the frames of one direction of a WebSocket stream (RFC 6455 §5.2) incrementally, whatever
 * the reads' boundaries, and hands on the payloads of data messages unmasked (§5.3: kubectl masks
 * what it sends), in pieces of at most {@link #PIECE} bytes copied into one reused array. Control
 * frames (close, ping, pong) may come between the fragments of a message (§5.4); their payloads are
 * skipped. Keeps nothing of the buffers it reads. The gateway's recorder reads exec sessions with
 * it, the local proxy the SPDY inside a port-forward tunnel.
 *
 * <pre>{@code
 * WebSocketFrames frames = new WebSocketFrames(messages);
 * frames.read(bytes); // each read of one direction, in order
 * }</pre>
 */
public final class WebSocketFrames {
  public static final int PIECE = 16 * 1024;
  private static final int OPCODE_CONTINUATION = 0;
  private static final int OPCODE_CLOSE = 8;

  /** What the frames carry. */
  public interface Messages {
    /**
     * A piece of a data message's payload, valid during the call only; {@code messageStart} for the
     * first piece of a message (an empty message gives none).
     */
    void payload(byte[] bytes, int offset, int length, boolean messageStart);

    /** A close frame (§5.5.1). */
    void close();
  }

  private final Messages messages;
  private final byte[] header = new byte[14];
  private final byte[] piece = new byte[PIECE];
  private int headerBytes;
  private long payloadLeft;
  private boolean control;
  private boolean messageStart;
  private boolean masked;
  private int maskOffset;
  private long maskPosition;

  public WebSocketFrames(Messages messages) {
    this.messages = messages;
  }

  /**
   * Reads the next bytes of this direction.
   *
   * @throws IllegalStateException on a frame length RFC 6455 forbids (most significant bit set)
   */
  public void read(ByteBuf bytes) {
    int index = bytes.readerIndex();
    int end = bytes.writerIndex();
    while (index < end) {
      if (payloadLeft > 0) {
        int length = (int) Math.min(Math.min(payloadLeft, end - index), PIECE);
        payloadLeft -= length;
        if (!control) {
          bytes.getBytes(index, piece, 0, length);
          unmask(length);
          boolean start = messageStart;
          messageStart = false;
          messages.payload(piece, 0, length, start);
        }
        index += length;
        continue;
      }
      header[headerBytes++] = bytes.getByte(index++);
      if (headerBytes == headerLength()) {
        frameStarts();
      }
    }
  }

  /** Whether the bytes read so far end exactly at a frame boundary. */
  public boolean atFrameStart() {
    return headerBytes == 0 && payloadLeft == 0;
  }

  private int headerLength() {
    if (headerBytes < 2) {
      return 2;
    }
    int length7 = header[1] & 0x7f;
    return 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
  }

  private void frameStarts() {
    int opcode = header[0] & 0x0f;
    int length7 = header[1] & 0x7f;
    int lengthBytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    long length = length7 < 126 ? length7 : 0;
    for (int i = 0; i < lengthBytes; i++) {
      length = (length << 8) | (header[2 + i] & 0xff);
    }
    if (length < 0) {
      throw new IllegalStateException("WebSocket frame of " + length + " bytes");
    }
    masked = (header[1] & 0x80) != 0;
    maskOffset = 2 + lengthBytes;
    maskPosition = 0;
    control = opcode >= OPCODE_CLOSE;
    if (!control) {
      // An empty first fragment leaves the start of the message to the next piece.
      messageStart |= opcode != OPCODE_CONTINUATION;
    } else if (opcode == OPCODE_CLOSE) {
      messages.close();
    }
    payloadLeft = length;
    headerBytes = 0;
  }

  private void unmask(int length) {
    if (!masked) {
      return;
    }
    for (int i = 0; i < length; i++) {
      piece[i] ^= header[maskOffset + (int) (maskPosition++ & 3)];
    }
  }
}
