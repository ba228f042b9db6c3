package dev.kpam.transport.spdy;

import static dev.kpam.transport.spdy.SpdyPeer.data;
import static dev.kpam.transport.spdy.SpdyPeer.fin;
import static dev.kpam.transport.spdy.SpdyPeer.reply;
import static dev.kpam.transport.spdy.SpdyPeer.syn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.kpam.transport.spdy.SpdyStreamListener.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySettingsFrame;
import io.netty.handler.codec.spdy.DefaultSpdyWindowUpdateFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpdyStreamsTest {
  private static final String STATUS = "{\"kind\":\"Status\",\"status\":\"Success\"}";

  private final SpdyPeer kubectl = new SpdyPeer();
  private final SpdyPeer apiServer = new SpdyPeer();
  private final Events events = new Events();
  private final SpdyStreams streams = new SpdyStreams(events);

  @AfterEach
  void close() {
    streams.close();
    kubectl.close();
    apiServer.close();
  }

  /** An exec of {@code cat} with stdin, as kubectl and the API server speak it. */
  private void exec(int chunk) {
    feed(
        streams::fromClient,
        kubectl.encode(
            syn(1, "streamtype", "error"),
            syn(3, "streamtype", "stdin"),
            new DefaultSpdyPingFrame(1),
            syn(5, "streamtype", "stdout"),
            syn(7, "streamtype", "stderr")),
        chunk);
    feed(
        streams::fromServer,
        apiServer.encode(new DefaultSpdySettingsFrame(), reply(1), reply(3), reply(5), reply(7)),
        chunk);
    feed(
        streams::fromClient,
        kubectl.encode(
            data(3, "hello "), new DefaultSpdyWindowUpdateFrame(5, 1024), data(3, "kpam\n")),
        chunk);
    feed(
        streams::fromServer,
        apiServer.encode(
            data(5, "hello kpam\n"), data(7, "warn\n"), data(1, STATUS), fin(1), fin(5), fin(7)),
        chunk);
    feed(
        streams::fromClient,
        kubectl.encode(
            new DefaultSpdyRstStreamFrame(3, SpdyStreamStatus.CANCEL), fin(1), fin(5), fin(7)),
        chunk);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 13, 64, Integer.MAX_VALUE})
  void learnsStreamTypesAndDeliversEachStreamsDataHoweverTheBytesAreSplit(int chunk) {
    exec(chunk);

    assertThat(events.log)
        .containsExactly(
            "opened 1 error",
            "opened 3 stdin",
            "opened 5 stdout",
            "opened 7 stderr",
            "closed 3 stdin",
            "closed 1 error",
            "closed 5 stdout",
            "closed 7 stderr");
    assertThat(events.data)
        .containsExactly(
            Map.entry("stdin FROM_CLIENT", "hello kpam\n"),
            Map.entry("stdout FROM_SERVER", "hello kpam\n"),
            Map.entry("stderr FROM_SERVER", "warn\n"),
            Map.entry("error FROM_SERVER", STATUS));
    assertThat(events.readOnlyViews).isTrue();
    assertThat(streams.streams()).isEmpty();
    assertThat(streams.serverAtFrameStart()).isTrue();
  }

  @Test
  void followsEachStreamsStateForTheGateway() {
    feed(
        streams::fromClient,
        kubectl.encode(
            syn(1, "streamtype", "error"),
            syn(3, "streamtype", "stdout"),
            syn(5, "streamtype", "data", "port", "8080")),
        1);
    feed(streams::fromServer, apiServer.encode(reply(1), reply(3), data(3, "out")), 1);

    List<SpdyStream> open = streams.streams();
    assertThat(open).extracting(SpdyStream::id).containsExactly(1, 3, 5);
    assertThat(open.get(0).serverHalfOpen()).isTrue();
    assertThat(open.get(0).bytesFromServer()).isZero();
    assertThat(open.get(1).bytesFromServer()).isEqualTo(3);
    assertThat(open.get(2).serverHalfOpen()).as("not replied yet").isFalse();
    assertThat(open.get(2).header("port")).isEqualTo("8080");
    assertThat(open.get(2).headers()).containsEntry("streamtype", "data");

    feed(streams::fromServer, apiServer.encode(fin(1)), 1);
    assertThat(streams.streams().get(0).serverHalfOpen()).isFalse();
  }

  @Test
  void tracksTheServersFrameBoundariesByteByByte() {
    feed(streams::fromClient, kubectl.encode(syn(1, "streamtype", "stdout")), 1);
    List<byte[]> frames = new ArrayList<>();
    for (SpdyFrame frame :
        List.of(reply(1), data(1, "x".repeat(300)), new DefaultSpdyPingFrame(2), fin(1))) {
      frames.add(apiServer.encode(frame));
    }
    Set<Integer> boundaries = new HashSet<>();
    ByteBuf all = Unpooled.buffer();
    for (byte[] frame : frames) {
      all.writeBytes(frame);
      boundaries.add(all.writerIndex());
    }

    for (int i = 0; i < all.writerIndex(); i++) {
      streams.fromServer(all.slice(i, 1).asReadOnly());
      assertThat(streams.serverAtFrameStart())
          .as("after byte %d", i + 1)
          .isEqualTo(boundaries.contains(i + 1));
    }
    all.release();
  }

  @Test
  void givesUpQuietlyOnAControlFrameOfAnotherVersion() {
    byte[] spdy2 = {(byte) 0x80, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00};
    assertGivesUpOn(spdy2);
  }

  @Test
  void givesUpQuietlyOnAControlFrameLargerThan64KiBWithoutWaitingForIt() {
    byte[] header = {(byte) 0x80, 0x03, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01};
    assertGivesUpOn(header);
  }

  @Test
  void givesUpQuietlyOnAHeaderBlockThatIsNotZlib() {
    byte[] junk = "not zlib at all".getBytes(StandardCharsets.US_ASCII);
    ByteBuf frame = Unpooled.buffer();
    frame.writeShort(0x8003).writeShort(1).writeByte(0).writeMedium(10 + junk.length);
    frame.writeInt(1).writeInt(0).writeShort(0).writeBytes(junk);
    byte[] bytes = new byte[frame.readableBytes()];
    frame.readBytes(bytes).release();
    assertGivesUpOn(bytes);
  }

  @Test
  void givesUpQuietlyOnDataForStreamZero() {
    feed(streams::fromServer, new byte[] {0, 0, 0, 0, 0, 0, 0, 1, 42}, 1);

    assertThat(streams.serverAtFrameStart()).isFalse();
  }

  @Test
  void givesUpQuietlyWhenTheClientOpensTooManyStreams() {
    List<SpdyFrame> syns = new ArrayList<>();
    for (int id = 1; id <= 2 * SpdyStreams.MAX_OPEN_STREAMS + 1; id += 2) {
      syns.add(syn(id, "streamtype", "data"));
    }
    feed(streams::fromClient, kubectl.encode(syns.toArray(SpdyFrame[]::new)), 4096);

    assertThat(events.log).hasSize(SpdyStreams.MAX_OPEN_STREAMS);
    assertThat(streams.serverAtFrameStart()).isFalse();
  }

  @Test
  void aListenerThatThrowsStopsTheParsingButNotTheCaller() {
    SpdyStreams strict =
        new SpdyStreams(
            new SpdyStreamListener() {
              @Override
              public void opened(SpdyStream stream) {
                throw new IllegalStateException("recorder bug");
              }
            });

    assertThatCode(() -> feed(strict::fromClient, kubectl.encode(syn(1, "streamtype", "error")), 5))
        .doesNotThrowAnyException();
    assertThat(strict.serverAtFrameStart()).isFalse();
    strict.close();
  }

  @Test
  void closingTheConnectionClosesTheStreamsStillOpen() {
    feed(streams::fromClient, kubectl.encode(syn(1, "streamtype", "error")), 3);

    streams.close();
    streams.close();

    assertThat(events.log).containsExactly("opened 1 error", "closed 1 error");
  }

  @Test
  void kpamsOwnDataFrameDecodesWithNettysCodecAsTheLastFrameOfItsStream() {
    ByteBuf out = Unpooled.buffer();
    SpdyStreams.writeDataFrame(out, 1, STATUS.getBytes(StandardCharsets.UTF_8), true);
    SpdyStreams.writeDataFrame(out, 5, new byte[0], true);
    EmbeddedChannel decoder = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));

    decoder.writeInbound(out);

    SpdyDataFrame status = decoder.readInbound();
    assertThat(status.streamId()).isEqualTo(1);
    assertThat(status.isLast()).isTrue();
    assertThat(status.content().toString(StandardCharsets.UTF_8)).isEqualTo(STATUS);
    status.release();
    SpdyDataFrame end = decoder.readInbound();
    assertThat(end.streamId()).isEqualTo(5);
    assertThat(end.isLast()).isTrue();
    assertThat(end.content().isReadable()).isFalse();
    end.release();
    assertThat(decoder.finishAndReleaseAll()).isFalse();
  }

  private void assertGivesUpOn(byte[] malformed) {
    assertThatCode(() -> feed(streams::fromClient, malformed, 1)).doesNotThrowAnyException();
    feed(streams::fromClient, kubectl.encode(syn(1, "streamtype", "error")), 1);
    feed(streams::fromServer, apiServer.encode(reply(1)), 1);

    assertThat(events.log).isEmpty();
    assertThat(streams.serverAtFrameStart()).isFalse();
  }

  /**
   * Hands {@code bytes} over in read-only pieces of {@code chunk} bytes, checking none is moved.
   */
  private static void feed(Consumer<ByteBuf> direction, byte[] bytes, int chunk) {
    for (int from = 0; from < bytes.length; from += chunk) {
      ByteBuf piece =
          Unpooled.wrappedBuffer(bytes, from, Math.min(chunk, bytes.length - from)).asReadOnly();
      int readable = piece.readableBytes();
      direction.accept(piece);
      assertThat(piece.readerIndex()).isZero();
      assertThat(piece.readableBytes()).isEqualTo(readable);
    }
  }

  private static final class Events implements SpdyStreamListener {
    final List<String> log = new ArrayList<>();
    final Map<String, String> data = new LinkedHashMap<>();
    boolean readOnlyViews = true;

    @Override
    public void opened(SpdyStream stream) {
      log.add("opened " + stream.id() + " " + stream.type());
    }

    @Override
    public void data(SpdyStream stream, Direction direction, ByteBuf payload) {
      readOnlyViews &= payload.isReadOnly();
      data.merge(
          stream.type() + " " + direction,
          payload.toString(StandardCharsets.UTF_8),
          String::concat);
    }

    @Override
    public void closed(SpdyStream stream) {
      log.add("closed " + stream.id() + " " + stream.type());
    }
  }
}
