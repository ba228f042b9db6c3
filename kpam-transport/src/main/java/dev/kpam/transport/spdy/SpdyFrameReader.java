package dev.kpam.transport.spdy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.spdy.SpdyProtocolException;
import java.util.Arrays;

/**
 * Follows the frames of one direction of a SPDY/3.1 connection. Every frame starts with an 8-byte
 * header (draft-mbelshe-httpbis-spdy-00 §2.2): a set first bit marks a control frame (15-bit
 * version, 16-bit type), a clear one a DATA frame (31-bit stream id); then 8 bits of flags and a
 * 24-bit payload length. DATA payloads are handed on as read-only views of the bytes read, piece by
 * piece; control frames are gathered whole, up to {@code maxControlPayload} bytes of payload, and
 * handed on once complete. The bytes read are never changed, kept or released.
 */
final class SpdyFrameReader {
  static final int HEADER_LENGTH = 8;
  static final int FLAG_FIN = 0x01;
  private static final int VERSION = 3;

  /** What the frames read mean to their receiver. */
  interface Frames {
    /** A non-empty piece of a DATA frame's payload: a view valid only during the call. */
    void data(int streamId, ByteBuf piece) throws SpdyProtocolException;

    /** The end of a DATA frame's payload; {@code fin} if it carried FLAG_FIN. */
    void dataEnd(int streamId, boolean fin) throws SpdyProtocolException;

    /** A whole control frame, header included. */
    void control(int type, int flags, byte[] frame) throws SpdyProtocolException;
  }

  private final Frames frames;
  private final int maxControlPayload;
  private final byte[] header = new byte[HEADER_LENGTH];
  private int headerBytes;
  private int dataStreamId;
  private boolean dataFin;
  private int dataLeft;
  private byte[] control;
  private int controlBytes;

  SpdyFrameReader(Frames frames, int maxControlPayload) {
    this.frames = frames;
    this.maxControlPayload = maxControlPayload;
  }

  void read(ByteBuf bytes) throws SpdyProtocolException {
    int index = bytes.readerIndex();
    int end = bytes.writerIndex();
    while (index < end) {
      if (dataLeft > 0) {
        int length = Math.min(dataLeft, end - index);
        dataLeft -= length;
        frames.data(dataStreamId, bytes.slice(index, length).asReadOnly());
        index += length;
        if (dataLeft == 0) {
          frames.dataEnd(dataStreamId, dataFin);
        }
      } else if (control != null) {
        int length = Math.min(control.length - controlBytes, end - index);
        bytes.getBytes(index, control, controlBytes, length);
        controlBytes += length;
        index += length;
        completeControlFrame();
      } else {
        header[headerBytes++] = bytes.getByte(index++);
        if (headerBytes == HEADER_LENGTH) {
          headerBytes = 0;
          startFrame();
        }
      }
    }
  }

  /** Whether the bytes read so far end exactly at a frame boundary. */
  boolean atFrameStart() {
    return headerBytes == 0 && dataLeft == 0 && control == null;
  }

  private void startFrame() throws SpdyProtocolException {
    int flags = header[4] & 0xff;
    int length = (header[5] & 0xff) << 16 | (header[6] & 0xff) << 8 | header[7] & 0xff;
    if ((header[0] & 0x80) == 0) {
      dataStreamId = int31(header, 0);
      if (dataStreamId == 0) {
        throw new SpdyProtocolException("DATA frame on stream 0");
      }
      dataFin = (flags & FLAG_FIN) != 0;
      dataLeft = length;
      if (length == 0) {
        frames.dataEnd(dataStreamId, dataFin);
      }
      return;
    }
    int version = (header[0] & 0x7f) << 8 | header[1] & 0xff;
    if (version != VERSION) {
      throw new SpdyProtocolException("control frame of SPDY version " + version);
    }
    if (length > maxControlPayload) {
      throw new SpdyProtocolException(
          "control frame of " + length + " bytes (expected: at most " + maxControlPayload + ")");
    }
    control = Arrays.copyOf(header, HEADER_LENGTH + length);
    controlBytes = HEADER_LENGTH;
    completeControlFrame();
  }

  private void completeControlFrame() throws SpdyProtocolException {
    if (controlBytes < control.length) {
      return;
    }
    byte[] frame = control;
    control = null;
    frames.control((frame[2] & 0xff) << 8 | frame[3] & 0xff, frame[4] & 0xff, frame);
  }

  /** The 31-bit stream id at {@code offset} (its first bit is reserved). */
  static int int31(byte[] bytes, int offset) {
    return (bytes[offset] & 0x7f) << 24
        | (bytes[offset + 1] & 0xff) << 16
        | (bytes[offset + 2] & 0xff) << 8
        | bytes[offset + 3] & 0xff;
  }
}
