package dev.kpam.gateway.record.cast;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.kpam.gateway.proxy.StreamTap;
import dev.kpam.testing.fuzz.FuzzInput;
import dev.kpam.testing.fuzz.FuzzTarget;
import dev.kpam.testing.fuzz.LoggedThrowables;
import dev.kpam.transport.spdy.SpdyStreams;
import dev.kpam.transport.websocket.WebSocketFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Fuzz targets of the recording of upgraded streams: WebSocket frames and their channel messages
 * into a cast, the whole tap of an exec (WebSocket or SPDY), the stream request's URI, and the
 * piecewise UTF-8 decoder.
 */
public final class CastFuzzTargets {
  private static final String EXEC =
      "/api/v1/namespaces/web/pods/api-7d9/exec?command=sh&container=app&stdin=true&tty=true";
  private static final String[] PROTOCOLS = {
    "v5.channel.k8s.io",
    "v4.channel.k8s.io",
    "channel.k8s.io",
    "portforward.k8s.io",
    "SPDY/3.1+portforward.k8s.io",
    "SPDY/3.1",
    "base64.channel.k8s.io"
  };

  private CastFuzzTargets() {}

  public static List<FuzzTarget> all() {
    return List.of(webSocketChannels(), streamTap(), streamRequest(), utf8Text());
  }

  private static byte[] clientFrames() {
    return Wire.webSocket(
        true,
        WebSocketCastTest.channel(4, "{\"Width\":120,\"Height\":40}"),
        WebSocketCastTest.channel(0, "ls\n"),
        new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 255, 0})),
        new CloseWebSocketFrame());
  }

  private static byte[] serverFrames() {
    return Wire.webSocket(
        false,
        WebSocketCastTest.channel(1, "héllo 🌍\n"),
        new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {2, 'a', 'b'})),
        new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {9, 9})),
        new ContinuationWebSocketFrame(true, 0, "cd\r\n"),
        WebSocketCastTest.channel(3, "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"x\"}"),
        new CloseWebSocketFrame());
  }

  private static byte[][] spdy() {
    try (Wire.Spdy client = new Wire.Spdy();
        Wire.Spdy server = new Wire.Spdy()) {
      DefaultSpdySynStreamFrame stdin = new DefaultSpdySynStreamFrame(1, 0, (byte) 0);
      stdin.headers().set("streamtype", "stdin");
      DefaultSpdySynStreamFrame stdout = new DefaultSpdySynStreamFrame(3, 0, (byte) 0);
      stdout.headers().set("streamtype", "stdout");
      DefaultSpdySynStreamFrame resize = new DefaultSpdySynStreamFrame(5, 0, (byte) 0);
      resize.headers().set("streamtype", "resize");
      byte[] fromClient =
          client.encode(
              stdin,
              stdout,
              resize,
              new DefaultSpdyDataFrame(
                  5, Unpooled.copiedBuffer("{\"Width\":1,\"Height\":2}", UTF_8)),
              new DefaultSpdyDataFrame(1, Unpooled.copiedBuffer("ls\n", UTF_8)));
      DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(3);
      byte[] fromServer =
          server.encode(reply, new DefaultSpdyDataFrame(3, Unpooled.copiedBuffer("a\n", UTF_8)));
      return new byte[][] {fromClient, fromServer};
    }
  }

  /** Two byte strings as one input: a 2-byte length, the first, the second. */
  private static byte[] pair(byte[] first, byte[] second) {
    return ByteBuffer.allocate(2 + first.length + second.length)
        .putShort((short) first.length)
        .put(first)
        .put(second)
        .array();
  }

  private static CastRecorders recorders() {
    return new CastRecorders(
        new CapturedEvents(),
        4096,
        Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC),
        System::nanoTime);
  }

  /**
   * Both directions of an exec over the channel protocols, in pieces, through the frame reader, the
   * channel messages and the cast: nothing escapes but the reader's documented refusal of a frame
   * longer than 2^63 bytes, and the cast ends whole.
   */
  static FuzzTarget webSocketChannels() {
    return FuzzTarget.of(
        "websocket-channels",
        List.of(pair(clientFrames(), serverFrames())),
        in -> {
          boolean v5 = in.consumeBoolean();
          int chunk = in.consumeInt(1, 100);
          int split = Math.min(in.remaining(), in.consumeInt(0, 0xffff));
          byte[] client = in.consumeBytes(split);
          byte[] server = in.remainingBytes();
          CapturedEvents events = new CapturedEvents();
          StreamRequest request = StreamRequest.parse(EXEC);
          Cast cast =
              new Cast(events, "s-1", "r-1", request.castHeader("v5", 0), System::nanoTime, 4096);
          Channels channels = new Channels(cast, true);
          ChannelMessages.Sink sink =
              new ChannelMessages.Sink() {
                @Override
                public void channelData(
                    boolean fromClient, int channel, byte[] bytes, int offset, int length) {
                  channels.data(fromClient, channel, bytes, offset, length);
                }

                @Override
                public void closeFrame(boolean fromClient) {}
              };
          WebSocketFrames fromClient = new WebSocketFrames(new ChannelMessages(sink, true, v5));
          WebSocketFrames fromServer = new WebSocketFrames(new ChannelMessages(sink, false, v5));
          try {
            for (int i = 0; i < Math.max(client.length, server.length); i += chunk) {
              show(fromClient::read, client, i, chunk, in);
              show(fromServer::read, server, i, chunk, in);
            }
          } catch (IllegalStateException e) {
            if (!e.getMessage().startsWith("WebSocket frame of -")) {
              throw e;
            }
            channels.stop();
          }
          channels.finish();
        });
  }

  /**
   * An exec's tap, over any of the protocols kubectl negotiates, shown both directions in pieces:
   * it never throws (it stops recording instead) and ends with its stream event.
   */
  static FuzzTarget streamTap() {
    byte[][] spdy = spdy();
    return FuzzTarget.of(
        "stream-tap",
        List.of(
            pair(clientFrames(), serverFrames()),
            pair(spdy[0], spdy[1]),
            pair(new byte[] {5}, spdy[1])),
        in -> {
          String protocol = in.pick(PROTOCOLS);
          int chunk = in.consumeInt(1, 100);
          int split = Math.min(in.remaining(), in.consumeInt(0, 0xffff));
          byte[] client = in.consumeBytes(split);
          byte[] server = in.remainingBytes();
          StreamTap tap =
              recorders()
                  .open(
                      new StreamTap.Upgrade(
                          "s-1", "r-1", EXEC, protocol, "v4.channel.k8s.io", true));
          try (LoggedThrowables logged =
              LoggedThrowables.of(UpgradedStream.class, SpdyStreams.class)) {
            try (SpdyStreams streams = new SpdyStreams(tap.spdyListener())) {
              boolean spdyStream = protocol.equals("SPDY/3.1");
              for (int i = 0; i < Math.max(client.length, server.length); i += chunk) {
                show(spdyStream ? streams::fromClient : tap::fromClient, client, i, chunk, in);
                show(spdyStream ? streams::fromServer : tap::fromServer, server, i, chunk, in);
              }
            }
            tap.closed();
            // The tap stops recording on a failure; only a frame longer than 2^63 bytes is one.
            for (Throwable caught : logged.throwables()) {
              if (!(caught instanceof IllegalStateException)
                  || !caught.getMessage().startsWith("WebSocket frame of -")) {
                throw new AssertionError("the tap caught " + caught, caught);
              }
            }
          }
        });
  }

  /** Any URI: parsed or refused (null) without throwing. */
  static FuzzTarget streamRequest() {
    return FuzzTarget.of(
        "stream-request",
        List.of(
            EXEC.getBytes(UTF_8),
            "/api/v1/namespaces/a/pods/b/portforward?ports=80,%zz,99999999999&port=-1"
                .getBytes(UTF_8),
            "/api/v1/namespaces/%E0%A4%A/pods/b/attach?tty=T&stdin=1&command=%".getBytes(UTF_8)),
        in -> {
          StreamRequest request = StreamRequest.parse(new String(in.remainingBytes(), UTF_8));
          if (request != null) {
            request.castHeader("v5.channel.k8s.io", 0);
          }
        });
  }

  /**
   * Any bytes in pieces of any size: valid UTF-8 without NUL decodes to exactly the string the JDK
   * decodes; anything else at some piece is not text (null); it never throws.
   */
  static FuzzTarget utf8Text() {
    return FuzzTarget.of(
        "utf8-text",
        List.of(
            "héllo 🌍 wörld\n".getBytes(UTF_8), new byte[] {(byte) 0xf0, (byte) 0x9f, (byte) 0x8c}),
        in -> {
          int chunk = in.consumeInt(1, 8);
          byte[] bytes = in.remainingBytes();
          Utf8Text text = new Utf8Text();
          StringBuilder decoded = new StringBuilder();
          boolean binary = false;
          for (int i = 0; i < bytes.length && !binary; i += chunk) {
            int length = Math.min(chunk, bytes.length - i);
            String piece = text.decode(bytes, i, length);
            if (piece == null) {
              binary = true;
            } else {
              decoded.append(piece);
            }
          }
          String strict = strictUtf8(bytes);
          boolean text0 = strict != null && strict.indexOf('\0') < 0;
          if (text0 && (binary || !decoded.toString().equals(strict))) {
            throw new AssertionError("valid UTF-8 decoded as " + (binary ? "binary" : decoded));
          }
        });
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static void show(
      Consumer<ByteBuf> side, byte[] bytes, int from, int chunk, FuzzInput in) {
    if (from >= bytes.length) {
      return;
    }
    ByteBuf piece =
        in.buffer(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunk)));
    try {
      side.accept(piece.asReadOnly());
      if (piece.readerIndex() != 0 || piece.refCnt() != 1) {
        throw new AssertionError("the tap moved or released the bytes it was shown");
      }
    } finally {
      piece.release();
    }
  }
}
