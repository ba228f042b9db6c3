package dev.kpam.transport.spdy;

import dev.kpam.testing.fuzz.FuzzInput;
import dev.kpam.testing.fuzz.FuzzTarget;
import dev.kpam.testing.fuzz.LoggedThrowables;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz targets of the gateway's SPDY/3.1 follower: the frame reader, the zlib header blocks, and
 * {@link SpdyStreams} over both directions of a kubectl exec conversation.
 */
public final class SpdyFuzzTargets {
  private SpdyFuzzTargets() {}

  public static List<FuzzTarget> all() {
    return List.of(frameReader(), headerBlocks(), streams());
  }

  /** Client and server bytes of an exec with stdin, stdout and an error stream. */
  private static byte[][] conversation() {
    try (SpdyPeer client = new SpdyPeer();
        SpdyPeer server = new SpdyPeer()) {
      byte[] fromClient =
          concat(
              client.encode(
                  SpdyPeer.syn(1, "streamtype", "error"),
                  SpdyPeer.syn(3, "streamtype", "stdin"),
                  SpdyPeer.syn(5, "streamtype", "stdout", "port", "8080"),
                  SpdyPeer.data(3, "ls -l\n"),
                  SpdyPeer.fin(3),
                  new DefaultSpdyRstStreamFrame(5, 5)));
      byte[] fromServer =
          server.encode(
              SpdyPeer.reply(1),
              SpdyPeer.reply(3),
              SpdyPeer.reply(5),
              SpdyPeer.data(5, "total 0\n"),
              SpdyPeer.fin(5),
              SpdyPeer.data(1, "{\"status\":\"Success\"}"),
              SpdyPeer.fin(1));
      return new byte[][] {fromClient, fromServer};
    }
  }

  private static byte[] concat(byte[]... parts) {
    int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
    ByteBuffer out = ByteBuffer.allocate(length);
    for (byte[] part : parts) {
      out.put(part);
    }
    return out.array();
  }

  /** Two byte strings as one input: a 2-byte length, the first, the second. */
  private static byte[] pair(byte[] first, byte[] second) {
    return ByteBuffer.allocate(2 + first.length + second.length)
        .putShort((short) first.length)
        .put(first)
        .put(second)
        .array();
  }

  /**
   * Any bytes, in pieces of any size: the reader throws nothing but {@link SpdyProtocolException},
   * hands on non-empty DATA pieces only, and each control frame whole (its length as its header
   * says).
   */
  static FuzzTarget frameReader() {
    byte[][] conversation = conversation();
    return FuzzTarget.of(
        "spdy-frame-reader",
        List.of(conversation[0], conversation[1]),
        in -> {
          SpdyFrameReader reader = new SpdyFrameReader(new CheckingFrames(), 4096);
          int chunk = in.consumeInt(1, 300);
          byte[] bytes = in.remainingBytes();
          try {
            for (int i = 0; i < bytes.length; i += chunk) {
              ByteBuf piece =
                  in.buffer(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk)));
              try {
                reader.read(piece.asReadOnly());
                if (piece.readerIndex() != 0 || piece.refCnt() != 1) {
                  throw new AssertionError("the reader moved or released the bytes it read");
                }
              } finally {
                piece.release();
              }
            }
          } catch (SpdyProtocolException expected) {
            // A malformed frame: what the reader answers to it.
          }
        });
  }

  private static final class CheckingFrames implements SpdyFrameReader.Frames {
    @Override
    public void data(int streamId, ByteBuf piece) {
      if (!piece.isReadable() || streamId <= 0) {
        throw new AssertionError("DATA piece of " + piece.readableBytes() + " on " + streamId);
      }
    }

    @Override
    public void dataEnd(int streamId, boolean fin) {}

    @Override
    public void control(int type, int flags, byte[] frame) {
      int length = (frame[5] & 0xff) << 16 | (frame[6] & 0xff) << 8 | frame[7] & 0xff;
      if (frame.length != SpdyFrameReader.HEADER_LENGTH + length) {
        throw new AssertionError("control frame of " + frame.length + " for length " + length);
      }
    }
  }

  /**
   * Header-carrying control frames cut at any point or mutated, decoded in order through one zlib
   * stream: nothing but {@link SpdyProtocolException}, and closing releases everything.
   */
  static FuzzTarget headerBlocks() {
    byte[][] conversation = conversation();
    return FuzzTarget.of(
        "spdy-header-blocks",
        List.of(conversation[0]),
        in -> {
          int frames = in.consumeInt(1, 4);
          byte[] bytes = in.remainingBytes();
          try (SpdyHeaderBlocks blocks = new SpdyHeaderBlocks(SpdyStreams.MAX_HEADER_SIZE)) {
            List<byte[]> controls = new ArrayList<>();
            for (int i = 0, f = 0; i < bytes.length && f < frames; f++) {
              int end = Math.min(bytes.length, i + 8 + lengthAt(bytes, i));
              controls.add(Arrays.copyOfRange(bytes, i, end));
              i = end;
            }
            for (byte[] frame : controls) {
              try {
                blocks.decode(frame);
              } catch (SpdyProtocolException expected) {
                // An undecodable header block.
              }
            }
          }
        });
  }

  private static int lengthAt(byte[] bytes, int i) {
    if (i + 8 > bytes.length) {
      return 0;
    }
    return (bytes[i + 5] & 0xff) << 16 | (bytes[i + 6] & 0xff) << 8 | bytes[i + 7] & 0xff;
  }

  /**
   * Both directions of an exec, mutated, interleaved in pieces: {@link SpdyStreams} never throws,
   * never moves or releases what it is shown, hands on non-empty DATA only, and closes every stream
   * it opened.
   */
  static FuzzTarget streams() {
    byte[][] conversation = conversation();
    return FuzzTarget.of(
        "spdy-streams",
        List.of(pair(conversation[0], conversation[1])),
        in -> {
          int chunk = in.consumeInt(1, 200);
          int split = Math.min(in.remaining(), in.consumeInt(0, 0xffff));
          byte[] client = in.consumeBytes(split);
          byte[] server = in.remainingBytes();
          List<Integer> open = new ArrayList<>();
          SpdyStreamListener listener =
              new SpdyStreamListener() {
                @Override
                public void opened(SpdyStream stream) {
                  open.add(stream.id());
                }

                @Override
                public void data(SpdyStream stream, Direction direction, ByteBuf payload) {
                  if (!payload.isReadable() || !open.contains(stream.id())) {
                    throw new AssertionError("data on " + stream.id() + " of " + open);
                  }
                }

                @Override
                public void closed(SpdyStream stream) {
                  if (!open.remove((Integer) stream.id())) {
                    throw new AssertionError("closed " + stream.id() + " of " + open);
                  }
                }
              };
          SpdyStreams streams = new SpdyStreams(listener);
          try (LoggedThrowables logged = LoggedThrowables.of(SpdyStreams.class)) {
            for (int i = 0; i < Math.max(client.length, server.length); i += chunk) {
              show(streams::fromClient, client, i, chunk, in);
              show(streams::fromServer, server, i, chunk, in);
              if (streams.serverAtFrameStart()) {
                ByteBuf frame = in.track(Unpooled.buffer());
                SpdyStreams.writeDataFrame(frame, 7, new byte[] {1}, false);
                frame.release();
              }
            }
            streams.close();
            // It gives up quietly on a malformed frame; anything else it caught is a crash.
            for (Throwable caught : logged.throwables()) {
              throw new AssertionError("SpdyStreams caught " + caught, caught);
            }
          }
          if (!open.isEmpty() || !streams.streams().isEmpty()) {
            throw new AssertionError("streams left open after close: " + open);
          }
        });
  }

  private static void show(
      java.util.function.Consumer<ByteBuf> side, byte[] bytes, int from, int chunk, FuzzInput in) {
    if (from >= bytes.length) {
      return;
    }
    ByteBuf piece =
        in.buffer(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunk)));
    try {
      side.accept(piece.asReadOnly());
      if (piece.readerIndex() != 0 || piece.refCnt() != 1) {
        throw new AssertionError("SpdyStreams moved or released the bytes it was shown");
      }
    } finally {
      piece.release();
    }
  }
}
