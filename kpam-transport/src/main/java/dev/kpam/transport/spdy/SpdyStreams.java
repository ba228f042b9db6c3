package dev.kpam.transport.spdy;

import static dev.kpam.transport.spdy.SpdyFrameReader.FLAG_FIN;
import static dev.kpam.transport.spdy.SpdyFrameReader.HEADER_LENGTH;

import dev.kpam.transport.spdy.SpdyStreamListener.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.spdy.SpdyHeadersFrame;
import io.netty.handler.codec.spdy.SpdyProtocolException;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the streams of one SPDY/3.1 connection (kubectl exec, attach and port-forward after
 * {@code Upgrade: SPDY/3.1}) from the raw bytes of both directions, without disturbing them: it
 * reads the buffers it is shown and never keeps, modifies or releases them, and never blocks.
 *
 * <ul>
 *   <li>Client to server: it decodes the SYN_STREAM header blocks (zlib with the SPDY/3 dictionary,
 *       one stream for the whole connection) and so learns each stream's headers, {@code
 *       streamtype} first of all.
 *   <li>Server to client: it notes SYN_REPLY, FLAG_FIN and RST_STREAM per stream and where each
 *       frame ends, so that kpam can add a frame of its own between two of the server's ({@link
 *       #serverAtFrameStart()}, {@link #writeDataFrame}).
 *   <li>Both ways it hands each stream's DATA payloads to a {@link SpdyStreamListener}.
 * </ul>
 *
 * <p>Memory is bounded: a control frame is gathered whole only up to 64 KiB of payload, decoded
 * headers are cut at 8 KiB per stream, and at most 1024 streams are followed at once. On a
 * malformed or oversized frame it gives up quietly (one DEBUG line): it follows nothing more,
 * reports no frame boundary any more, and the bytes keep flowing untouched. Confined to the
 * connection's event loop.
 *
 * <pre>{@code
 * SpdyStreams streams = new SpdyStreams(SpdyStreamListener.NONE);
 * streams.fromClient(bytes.asReadOnly()); // likewise fromServer; close() when the connection ends
 * }</pre>
 */
public final class SpdyStreams implements AutoCloseable {
  /**
   * How long kubectl gets to read the {@link #endingFrames} and close the connection itself; it
   * should be closed after that. Closing at once would race kubectl's frame handling, which drops
   * data that arrives on a stream after its connection ended. With 0.9 s, kubectl once printed
   * nothing in a loaded CI run (its frame handling runs behind); the SPDY tests were first proven
   * with 5 s.
   */
  public static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  static final int MAX_CONTROL_PAYLOAD = 64 * 1024;
  static final int MAX_HEADER_SIZE = 8 * 1024;
  static final int MAX_OPEN_STREAMS = 1024;
  private static final Logger log = LoggerFactory.getLogger(SpdyStreams.class);
  private static final int MAX_DATA_PAYLOAD = 0xffffff;
  private static final byte[] NO_DATA = new byte[0];
  // Control frame types (draft-mbelshe-httpbis-spdy-00 §2.6).
  private static final int SYN_STREAM = 1;
  private static final int SYN_REPLY = 2;
  private static final int RST_STREAM = 3;
  private static final int HEADERS = 8;

  private final SpdyStreamListener listener;
  private final Map<Integer, SpdyStream> open = new TreeMap<>();
  private final SpdyFrameReader client = new SpdyFrameReader(new FromClient(), MAX_CONTROL_PAYLOAD);
  private final SpdyFrameReader server = new SpdyFrameReader(new FromServer(), MAX_CONTROL_PAYLOAD);
  private SpdyHeaderBlocks clientHeaderBlocks;
  private boolean following = true;

  public SpdyStreams(SpdyStreamListener listener) {
    this.listener = listener;
  }

  /** Bytes kubectl sent towards the API server, in order. */
  public void fromClient(ByteBuf bytes) {
    read(client, bytes);
  }

  /** Bytes the API server sent towards kubectl, in order. */
  public void fromServer(ByteBuf bytes) {
    read(server, bytes);
  }

  /**
   * Whether the server-to-client bytes seen so far end exactly at a frame boundary, so that a whole
   * frame written now lands between two of the server's. Never true once it gave up.
   */
  public boolean serverAtFrameStart() {
    return following && server.atFrameStart();
  }

  /** The streams open now, by id. */
  public List<SpdyStream> streams() {
    return List.copyOf(open.values());
  }

  /**
   * Writes a DATA frame on {@code streamId} carrying {@code payload}, with FLAG_FIN if {@code fin}.
   */
  public static void writeDataFrame(ByteBuf out, int streamId, byte[] payload, boolean fin) {
    if (streamId <= 0 || payload.length > MAX_DATA_PAYLOAD) {
      throw new IllegalArgumentException(
          "streamId: "
              + streamId
              + ", payload: "
              + payload.length
              + " bytes (expected: > 0, <16 MiB)");
    }
    out.writeInt(streamId)
        .writeByte(fin ? FLAG_FIN : 0)
        .writeMedium(payload.length)
        .writeBytes(payload);
  }

  /**
   * The frames that end every stream of this connection saying {@code message}, or null where there
   * is no room for it. Each {@code error} stream the server answered and has not written on gets
   * {@code message} as its whole content (a DATA frame with FLAG_FIN); every other stream the
   * server left open is finished (an empty DATA frame with FLAG_FIN). kubectl reads an error stream
   * to its end and prints what it got: exec and attach ({@code v4/v5.channel.k8s.io}) expect a
   * {@code Status} there ({@code errorDecoderV4}: a Failure that is not NonZeroExitCode becomes an
   * error of its message), port-forward plain text ("an error occurred forwarding 8080 -> 80:
   * ..."). There is room when the server's bytes end at a frame boundary and at least one error
   * stream can take the message. Give kubectl {@link #CLOSE_GRACE} to close the connection itself.
   */
  public ByteBuf endingFrames(ByteBufAllocator alloc, byte[] message) {
    if (!serverAtFrameStart()) {
      return null;
    }
    List<SpdyStream> streams = streams();
    if (streams.stream().noneMatch(SpdyStreams::takesMessage)) {
      return null;
    }
    ByteBuf out = alloc.buffer(message.length + 8 * streams.size());
    for (SpdyStream stream : streams) {
      if (takesMessage(stream)) {
        writeDataFrame(out, stream.id(), message, true);
      } else if (stream.serverHalfOpen()) {
        writeDataFrame(out, stream.id(), NO_DATA, true);
      }
    }
    return out;
  }

  private static boolean takesMessage(SpdyStream stream) {
    return stream.type().equals("error")
        && stream.serverHalfOpen()
        && stream.bytesFromServer() == 0;
  }

  /** The connection ended: the streams still open are closed; idempotent. */
  @Override
  public void close() {
    stop();
    for (SpdyStream stream : streams()) {
      open.remove(stream.id());
      listener.closed(stream);
    }
  }

  private void read(SpdyFrameReader reader, ByteBuf bytes) {
    if (!following) {
      return;
    }
    try {
      reader.read(bytes);
    } catch (SpdyProtocolException e) {
      log.debug("no longer following the SPDY streams of this connection: {}", e.getMessage());
      stop();
    } catch (RuntimeException e) {
      log.warn("no longer following the SPDY streams of this connection", e);
      stop();
    }
  }

  private void stop() {
    following = false;
    if (clientHeaderBlocks != null) {
      clientHeaderBlocks.close();
      clientHeaderBlocks = null;
    }
  }

  private void opened(SpdySynStreamFrame syn) throws SpdyProtocolException {
    if (open.size() >= MAX_OPEN_STREAMS) {
      throw new SpdyProtocolException("more than " + MAX_OPEN_STREAMS + " open streams");
    }
    Map<String, String> headers = new HashMap<>();
    for (Map.Entry<CharSequence, CharSequence> header : syn.headers()) {
      headers.putIfAbsent(
          header.getKey().toString().toLowerCase(Locale.ROOT), header.getValue().toString());
    }
    SpdyStream stream = new SpdyStream(syn.streamId(), headers);
    if (open.putIfAbsent(stream.id(), stream) != null) {
      throw new SpdyProtocolException("stream " + stream.id() + " opened twice");
    }
    // A unidirectional stream gets nothing from the server.
    stream.serverFinished = syn.isUnidirectional();
    stream.clientFinished = syn.isLast();
    listener.opened(stream);
    closeIfFinished(stream);
  }

  private void finishClientHalf(int streamId) {
    SpdyStream stream = open.get(streamId);
    if (stream != null) {
      stream.clientFinished = true;
      closeIfFinished(stream);
    }
  }

  private void finishServerHalf(int streamId) {
    SpdyStream stream = open.get(streamId);
    if (stream != null) {
      stream.serverFinished = true;
      closeIfFinished(stream);
    }
  }

  private void closeIfFinished(SpdyStream stream) {
    if (stream.clientFinished && stream.serverFinished) {
      open.remove(stream.id());
      listener.closed(stream);
    }
  }

  private void reset(int streamId) {
    SpdyStream stream = open.remove(streamId);
    if (stream != null) {
      stream.clientFinished = true;
      stream.serverFinished = true;
      listener.closed(stream);
    }
  }

  /** The stream id that starts the payload of SYN_REPLY, RST_STREAM and HEADERS. */
  private static int streamId(byte[] frame) throws SpdyProtocolException {
    if (frame.length < HEADER_LENGTH + 4) {
      throw new SpdyProtocolException("control frame of " + frame.length + " bytes: no stream id");
    }
    return SpdyFrameReader.int31(frame, HEADER_LENGTH);
  }

  private final class FromClient implements SpdyFrameReader.Frames {
    @Override
    public void data(int streamId, ByteBuf piece) {
      SpdyStream stream = open.get(streamId);
      if (stream != null) {
        stream.bytesFromClient += piece.readableBytes();
        listener.data(stream, Direction.FROM_CLIENT, piece);
      }
    }

    @Override
    public void dataEnd(int streamId, boolean fin) {
      if (fin) {
        finishClientHalf(streamId);
      }
    }

    @Override
    public void control(int type, int flags, byte[] frame) throws SpdyProtocolException {
      switch (type) {
        case SYN_STREAM, SYN_REPLY, HEADERS -> {
          // Every header block goes through the decoder, in order: they share one zlib stream.
          if (clientHeaderBlocks == null) {
            clientHeaderBlocks = new SpdyHeaderBlocks(MAX_HEADER_SIZE);
          }
          SpdyHeadersFrame headers = clientHeaderBlocks.decode(frame);
          if (headers instanceof SpdySynStreamFrame syn) {
            opened(syn);
          } else if ((flags & FLAG_FIN) != 0) {
            finishClientHalf(headers.streamId());
          }
        }
        case RST_STREAM -> reset(streamId(frame));
        default -> {
          // SETTINGS, PING, GOAWAY, WINDOW_UPDATE: nothing about a stream's content.
        }
      }
    }
  }

  private final class FromServer implements SpdyFrameReader.Frames {
    @Override
    public void data(int streamId, ByteBuf piece) {
      SpdyStream stream = open.get(streamId);
      if (stream != null) {
        stream.bytesFromServer += piece.readableBytes();
        listener.data(stream, Direction.FROM_SERVER, piece);
      }
    }

    @Override
    public void dataEnd(int streamId, boolean fin) {
      if (fin) {
        finishServerHalf(streamId);
      }
    }

    @Override
    public void control(int type, int flags, byte[] frame) throws SpdyProtocolException {
      // The server's header blocks are not decoded: what matters is in the client's SYN_STREAM.
      switch (type) {
        case SYN_REPLY -> {
          SpdyStream stream = open.get(streamId(frame));
          if (stream != null) {
            stream.replied = true;
            if ((flags & FLAG_FIN) != 0) {
              finishServerHalf(stream.id());
            }
          }
        }
        case HEADERS -> {
          if ((flags & FLAG_FIN) != 0) {
            finishServerHalf(streamId(frame));
          }
        }
        case RST_STREAM -> reset(streamId(frame));
        default -> {
          // SETTINGS, PING, GOAWAY, WINDOW_UPDATE; SYN_STREAM (server push) Kubernetes never uses.
        }
      }
    }
  }
}
