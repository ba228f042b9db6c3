package dev.kpam.gateway.record.cast;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.gateway.proxy.StreamTap;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebSocketCastTest {
  private static final String EXEC =
      "/api/v1/namespaces/web/pods/api-7d9/exec?command=sh&command=-c&command=ls&container=app"
          + "&stdin=true&stdout=true&tty=true";
  private static final String RESIZE = "{\"Width\":120,\"Height\":40}";
  private static final String SUCCESS = "{\"metadata\":{},\"status\":\"Success\"}";
  private static final byte[] GLOBE = "🌍".getBytes(UTF_8);
  private static final long MS = 1_000_000L;

  private final CapturedEvents events = new CapturedEvents();
  private long now = 1_000 * MS;

  private CastRecorders recorders(long cap) {
    return new CastRecorders(
        events, cap, Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC), () -> now);
  }

  private StreamTap exec(String protocol, boolean recordStdin) {
    return recorders(CastRecorders.DEFAULT_CAP)
        .open(new StreamTap.Upgrade("s-1", "r-7", EXEC, protocol, null, recordStdin));
  }

  static BinaryWebSocketFrame channel(int channel, byte[] payload) {
    return new BinaryWebSocketFrame(Unpooled.buffer().writeByte(channel).writeBytes(payload));
  }

  static BinaryWebSocketFrame channel(int channel, String text) {
    return channel(channel, text.getBytes(UTF_8));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 7, 13, 64, Integer.MAX_VALUE})
  void anExecOverV5IsRecordedByteForByteHoweverTheReadsSplitTheFrames(int chunk) {
    StreamTap tap = exec("v5.channel.k8s.io", true);
    Wire.feed(
        tap::fromClient,
        Wire.webSocket(
            true,
            channel(4, RESIZE),
            channel(0, "ls\n"),
            new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 255, 0}))),
        chunk);
    now += 250 * MS;
    Wire.feed(
        tap::fromServer,
        Wire.webSocket(
            false,
            channel(1, "héllo "),
            // A character split between two frames.
            channel(1, new byte[] {GLOBE[0], GLOBE[1]}),
            channel(1, new byte[] {GLOBE[2], GLOBE[3]}),
            channel(2, "warn\n"),
            // A fragmented message with a ping between its fragments (RFC 6455 §5.4).
            new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {1, 'a', 'b'})),
            new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {9, 9})),
            new ContinuationWebSocketFrame(true, 0, "cd\r\n"),
            channel(3, SUCCESS),
            new CloseWebSocketFrame(1000, "")),
        chunk);
    Wire.feed(tap::fromClient, Wire.webSocket(true, new CloseWebSocketFrame(1000, "")), chunk);
    now += 1_250 * MS;
    tap.closed();

    JsonNode header = events.header();
    assertThat(header.get("version").asInt()).isEqualTo(2);
    assertThat(header.get("width").asInt()).isEqualTo(120);
    assertThat(header.get("height").asInt()).isEqualTo(40);
    assertThat(header.get("timestamp").asLong()).isEqualTo(1_700_000_000L);
    assertThat(header.get("title").asText()).isEqualTo("api-7d9 sh -c ls");
    assertThat(header.get("env").get("TERM").asText()).isEqualTo("xterm");
    JsonNode kubernetes = header.get("kubernetes");
    assertThat(kubernetes.get("namespace").asText()).isEqualTo("web");
    assertThat(kubernetes.get("pod").asText()).isEqualTo("api-7d9");
    assertThat(kubernetes.get("container").asText()).isEqualTo("app");
    assertThat(kubernetes.get("command").toString()).isEqualTo("[\"sh\",\"-c\",\"ls\"]");
    assertThat(kubernetes.get("tty").asBoolean()).isTrue();
    assertThat(kubernetes.get("stdin").asBoolean()).isTrue();
    assertThat(kubernetes.get("protocol").asText()).isEqualTo("v5.channel.k8s.io");

    assertThat(events.castData("o")).isEqualTo("héllo 🌍warn\nabcd\r\n");
    assertThat(events.castData("i")).isEqualTo("ls\n");
    assertThat(events.castEvents()).contains("r 120x40").noneMatch(line -> line.startsWith("m"));
    if (chunk == Integer.MAX_VALUE) {
      assertThat(events.castEvents())
          .containsExactly(
              "r 120x40", "i ls\n", "o héllo ", "o 🌍", "o warn\n", "o ab", "o cd\r\n");
      List<JsonNode> lines = events.castLines();
      assertThat(lines.get(1).get(0).decimalValue()).isEqualByComparingTo("0");
      assertThat(lines.get(3).get(0).decimalValue()).isEqualByComparingTo("0.25");
    }

    JsonNode stream = events.stream();
    assertThat(events.sessions).containsOnly("s-1");
    assertThat(stream.get("requestId").asText()).isEqualTo("r-7");
    assertThat(stream.get("recordingId").asText()).isEqualTo("r-7");
    assertThat(stream.get("kind").asText()).isEqualTo("exec");
    assertThat(stream.get("protocol").asText()).isEqualTo("v5.channel.k8s.io");
    assertThat(stream.get("namespace").asText()).isEqualTo("web");
    assertThat(stream.get("pod").asText()).isEqualTo("api-7d9");
    assertThat(stream.get("container").asText()).isEqualTo("app");
    assertThat(stream.get("command").toString()).isEqualTo("[\"sh\",\"-c\",\"ls\"]");
    assertThat(stream.get("tty").asBoolean()).isTrue();
    assertThat(stream.get("stdin").asBoolean()).isTrue();
    assertThat(stream.get("ports").size()).isZero();
    assertThat(stream.get("bytesFromClient").asLong()).isEqualTo(RESIZE.length() + 3);
    assertThat(stream.get("bytesFromServer").asLong())
        .isEqualTo("héllo ".getBytes(UTF_8).length + 4 + 5 + 6 + SUCCESS.length());
    assertThat(stream.get("binary").asBoolean()).isFalse();
    assertThat(stream.get("closedBy").asText()).isEqualTo("server");
    assertThat(stream.get("exitCode").asInt()).isZero();
    assertThat(stream.get("durationMs").asLong()).isEqualTo(1_500);
  }

  @Test
  void stdinIsCheckedButNotRecordedUnlessTheAccountAsksForIt() {
    StreamTap tap = exec("v4.channel.k8s.io", false);
    Wire.feed(tap::fromClient, Wire.webSocket(true, channel(0, "secret\n")), 1);
    Wire.feed(tap::fromServer, Wire.webSocket(false, channel(1, "ok\n")), 1);
    tap.closed();

    assertThat(events.castData("i")).isEmpty();
    assertThat(events.castData("o")).isEqualTo("ok\n");
    assertThat(events.of("recording").toString()).doesNotContain("secret");
    assertThat(events.stream().get("bytesFromClient").asLong()).isEqualTo(7);
    assertThat(events.stream().get("closedBy").isNull()).isTrue();
  }

  @Test
  void aTarStreamIsMarkedBinaryOnceAndItsBytesAreStillCounted() {
    StreamTap tap = exec("v5.channel.k8s.io", true);
    byte[] tarHeader = new byte[512];
    byte[] name = "app/config.yaml".getBytes(UTF_8);
    System.arraycopy(name, 0, tarHeader, 0, name.length);
    System.arraycopy("0000644\0".getBytes(UTF_8), 0, tarHeader, 100, 8);
    System.arraycopy("ustar\0".getBytes(UTF_8), 0, tarHeader, 257, 6);
    Wire.feed(
        tap::fromServer,
        Wire.webSocket(
            false, channel(1, tarHeader), channel(1, "more text"), channel(1, new byte[1000])),
        100);
    tap.closed();

    // The piece with the first NUL is not recorded at all: nothing of a tar header shows.
    assertThat(events.castEvents()).containsExactly("m binary stream: contents not recorded");
    assertThat(events.stream().get("binary").asBoolean()).isTrue();
    assertThat(events.stream().get("bytesFromServer").asLong()).isEqualTo(512 + 9 + 1000);
    assertThat(events.stream().get("recordingId").asText()).isEqualTo("r-7");
  }

  @Test
  void invalidUtf8IsBinaryButASequenceSplitAtTheEndOfARecordingIsNot() {
    StreamTap tap = exec("v5.channel.k8s.io", true);
    Wire.feed(
        tap::fromServer,
        Wire.webSocket(false, channel(1, "a"), channel(1, new byte[] {(byte) 0xc3, 'b'})),
        1);
    tap.closed();

    assertThat(events.castEvents())
        .containsExactly("o a", "m binary stream: contents not recorded");
    assertThat(events.stream().get("binary").asBoolean()).isTrue();
  }

  @Test
  void theCapTruncatesTheRecordingWithOneMarkerWhileTheStreamGoesOn() {
    StreamTap tap =
        recorders(10)
            .open(new StreamTap.Upgrade("s-1", "r-7", EXEC, "v4.channel.k8s.io", null, true));
    Wire.feed(
        tap::fromServer,
        Wire.webSocket(
            false, channel(1, "0123456"), channel(1, "789abcdef"), channel(1, "ghijklmno")),
        Integer.MAX_VALUE);
    tap.closed();

    assertThat(events.castEvents())
        .containsExactly("o 0123456", "o 789", "m recording truncated at 10 bytes");
    assertThat(events.stream().get("bytesFromServer").asLong()).isEqualTo(25);
    assertThat(events.stream().get("binary").asBoolean()).isFalse();
  }

  @Test
  void aFailureStatusOnTheErrorChannelIsAMarker() {
    StreamTap tap = exec("v4.channel.k8s.io", true);
    String failure =
        "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero"
            + " exit code: error executing command [sh -c exit 3], exit code 3\","
            + "\"reason\":\"NonZeroExitCode\","
            + "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]}}";
    Wire.feed(tap::fromServer, Wire.webSocket(false, channel(3, failure)), 7);
    tap.closed();

    assertThat(events.castEvents())
        .containsExactly(
            "m command terminated with non-zero exit code: error executing command [sh -c exit 3],"
                + " exit code 3");
    assertThat(events.stream().get("closedBy").asText()).isEqualTo("server");
    assertThat(events.stream().get("exitCode").asInt()).isEqualTo(3);
  }

  @Test
  void withoutAResizeTheHeaderSaysEightyByTwentyFour() {
    StreamTap tap = exec("v4.channel.k8s.io", true);
    tap.closed();

    assertThat(events.header().get("width").asInt()).isEqualTo(80);
    assertThat(events.header().get("height").asInt()).isEqualTo(24);
    assertThat(events.castEvents()).isEmpty();
    assertThat(events.of("recording")).hasSize(1);
  }

  @Test
  void chunksAreCutEveryTwoHundredMillisecondsAndAt64KiB() {
    StreamTap tap = exec("v5.channel.k8s.io", true);
    StringBuilder sent = new StringBuilder();
    List<WebSocketFrame> frames = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String line = "line " + i + "\n";
      sent.append(line);
      Wire.feed(tap::fromServer, Wire.webSocket(false, channel(1, line)), Integer.MAX_VALUE);
      now += 50 * MS;
    }
    assertThat(events.of("recording")).hasSize(4);
    String kilobyte = "x".repeat(1023) + "\n";
    for (int i = 0; i < 100; i++) {
      frames.add(channel(1, kilobyte));
      sent.append(kilobyte);
    }
    Wire.feed(tap::fromServer, Wire.webSocket(false, frames.toArray(WebSocketFrame[]::new)), 4096);
    tap.closed();

    List<JsonNode> chunks = events.of("recording");
    assertThat(chunks).hasSizeGreaterThan(5);
    for (JsonNode chunk : chunks) {
      assertThat(chunk.get("recordingId").asText()).isEqualTo("r-7");
      assertThat(chunk.get("lines").size()).isPositive();
      assertThat(chunk.get("lines").toString().length()).isLessThan(64 * 1024 + 4096);
    }
    assertThat(events.castData("o")).isEqualTo(sent.toString());
    assertThat(events.castLines().get(0).get("version").asInt()).isEqualTo(2);
  }

  @Test
  void aPortForwardIsOnlyAStreamEventWithItsPortsAndBytes() {
    StreamTap tap =
        recorders(CastRecorders.DEFAULT_CAP)
            .open(
                new StreamTap.Upgrade(
                    "s-1",
                    "r-3",
                    "/api/v1/namespaces/web/pods/api-7d9/portforward?ports=8080&ports=9090",
                    "v4.channel.k8s.io",
                    null,
                    true));
    Wire.feed(tap::fromClient, Wire.webSocket(true, channel(0, "GET / HTTP/1.1\r\n\r\n")), 3);
    Wire.feed(
        tap::fromServer,
        Wire.webSocket(
            false, channel(0, new byte[] {0x1f, (byte) 0x90}), channel(0, "HTTP/1.1 200")),
        3);
    now += 20 * MS;
    tap.closed();

    assertThat(events.of("recording")).isEmpty();
    JsonNode stream = events.stream();
    assertThat(stream.get("kind").asText()).isEqualTo("portforward");
    assertThat(stream.get("recordingId").isNull()).isTrue();
    assertThat(stream.get("pod").asText()).isEqualTo("api-7d9");
    assertThat(stream.get("container").isNull()).isTrue();
    assertThat(stream.get("ports").toString()).isEqualTo("[8080,9090]");
    assertThat(stream.get("bytesFromClient").asLong()).isEqualTo(18);
    assertThat(stream.get("bytesFromServer").asLong()).isEqualTo(14);
    assertThat(stream.get("durationMs").asLong()).isEqualTo(20);
  }

  @Test
  void otherUpgradesAreNotTapped() {
    StreamTap tap =
        recorders(CastRecorders.DEFAULT_CAP)
            .open(
                new StreamTap.Upgrade(
                    "s-1",
                    "r-1",
                    "/api/v1/namespaces/web/services/api/proxy/ws",
                    "chat",
                    null,
                    true));
    assertThat(tap).isSameAs(StreamTap.NONE);
  }

  @Test
  void aMalformedFrameStopsTheRecordingWithoutThrowingAndTheBytesAreStillCounted() {
    StreamTap tap = exec("v5.channel.k8s.io", true);
    Wire.feed(tap::fromServer, Wire.webSocket(false, channel(1, "before\n")), Integer.MAX_VALUE);
    ByteArrayOutputStream garbage = new ByteArrayOutputStream();
    // A 64-bit length (frame header: not payload) with its most significant bit set (RFC 6455 §5.2
    // forbids it).
    garbage.writeBytes(new byte[] {(byte) 0x82, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 1});
    assertThatCode(() -> Wire.feed(tap::fromServer, garbage.toByteArray(), 4))
        .doesNotThrowAnyException();
    Wire.feed(tap::fromServer, new byte[100], 100);
    tap.closed();
    tap.closed();

    assertThat(events.castEvents()).containsExactly("o before\n");
    assertThat(events.stream().get("bytesFromServer").asLong()).isEqualTo(7 + 100);
  }
}
