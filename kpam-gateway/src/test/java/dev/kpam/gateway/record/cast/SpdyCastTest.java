package dev.kpam.gateway.record.cast;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.gateway.proxy.StreamTap;
import dev.kpam.transport.spdy.SpdyStreams;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPDY/3.1 streams as kubectl and the API server send them (Netty's own codec), read by the
 * gateway's {@link SpdyStreams} and heard by the tap's listener, as {@code ProtocolSwitch} wires
 * them: the gateway's reader first, then the tap, and the streams' end before the tap's.
 */
class SpdyCastTest {
  private static final String EXEC =
      "/api/v1/namespaces/default/pods/web/exec?command=bash&container=main&stdin=true&stdout=true"
          + "&stderr=true&tty=true";
  private final CapturedEvents events = new CapturedEvents();
  private final Wire.Spdy kubectl = new Wire.Spdy();
  private final Wire.Spdy apiServer = new Wire.Spdy();
  private long now;

  @AfterEach
  void close() {
    kubectl.close();
    apiServer.close();
  }

  private StreamTap open(String uri, String protocol, String streamProtocol, boolean stdin) {
    return new CastRecorders(
            events,
            CastRecorders.DEFAULT_CAP,
            Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC),
            () -> now)
        .open(new StreamTap.Upgrade("s-2", "r-4", uri, protocol, streamProtocol, stdin));
  }

  private static DefaultSpdySynStreamFrame syn(int id, String... headers) {
    DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
    for (int i = 0; i < headers.length; i += 2) {
      syn.headers().set(headers[i], headers[i + 1]);
    }
    return syn;
  }

  private static DefaultSpdySynReplyFrame reply(int id) {
    return new DefaultSpdySynReplyFrame(id);
  }

  private static DefaultSpdyDataFrame data(int id, byte[] bytes) {
    return new DefaultSpdyDataFrame(id, Unpooled.wrappedBuffer(bytes));
  }

  private static DefaultSpdyDataFrame data(int id, String text) {
    return data(id, text.getBytes(UTF_8));
  }

  private static DefaultSpdyDataFrame fin(int id) {
    DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(id);
    fin.setLast(true);
    return fin;
  }

  /** Feeds the gateway's reader, then the tap, as the gateway does. */
  private static void client(SpdyStreams streams, StreamTap tap, byte[] bytes, int chunk) {
    Wire.feed(read -> both(streams::fromClient, tap::fromClient, read), bytes, chunk);
  }

  private static void server(SpdyStreams streams, StreamTap tap, byte[] bytes, int chunk) {
    Wire.feed(read -> both(streams::fromServer, tap::fromServer, read), bytes, chunk);
  }

  private static void both(
      java.util.function.Consumer<ByteBuf> gateway,
      java.util.function.Consumer<ByteBuf> tap,
      ByteBuf read) {
    gateway.accept(read);
    tap.accept(read);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 64, Integer.MAX_VALUE})
  void anExecOverSpdyIsRecordedFromTheGatewaysStreams(int chunk) {
    StreamTap tap = open(EXEC, "SPDY/3.1", "v4.channel.k8s.io", true);
    SpdyStreams streams = new SpdyStreams(tap.spdyListener());
    byte[] u = "ü".getBytes(UTF_8);
    String failure =
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"command terminated with non-zero"
            + " exit code: exit code 2\",\"reason\":\"NonZeroExitCode\"}";
    client(
        streams,
        tap,
        kubectl.encode(
            syn(1, "streamtype", "error"),
            syn(3, "streamtype", "stdin"),
            syn(5, "streamtype", "stdout"),
            syn(7, "streamtype", "stderr"),
            syn(9, "streamtype", "resize")),
        chunk);
    server(streams, tap, apiServer.encode(reply(1), reply(3), reply(5), reply(7), reply(9)), chunk);
    client(
        streams,
        tap,
        kubectl.encode(data(9, "{\"Width\":100,\"Height\":30}\n"), data(3, "echo grüße\n")),
        chunk);
    now = 500_000_000L;
    server(
        streams,
        tap,
        apiServer.encode(
            data(5, "gr"),
            data(5, new byte[] {u[0]}),
            data(5, new byte[] {u[1], 'n'}),
            data(7, "oops\n"),
            data(9, "never from the server"),
            data(1, failure),
            fin(1),
            fin(5),
            fin(7)),
        chunk);
    client(
        streams,
        tap,
        kubectl.encode(data(9, "{\"Width\":90,\"Height\":20}\n"), fin(1), fin(3), fin(5), fin(7)),
        chunk);
    now = 2_000_000_000L;
    streams.close();
    tap.closed();

    JsonNode header = events.header();
    assertThat(header.get("width").asInt()).isEqualTo(100);
    assertThat(header.get("height").asInt()).isEqualTo(30);
    assertThat(header.get("title").asText()).isEqualTo("web bash");
    assertThat(header.get("kubernetes").get("protocol").asText()).isEqualTo("SPDY/3.1 v4");
    assertThat(header.get("kubernetes").get("container").asText()).isEqualTo("main");
    assertThat(events.castData("o")).isEqualTo("grünoops\n");
    assertThat(events.castData("i")).isEqualTo("echo grüße\n");
    assertThat(events.castData("r")).isEqualTo("100x3090x20");
    assertThat(events.castData("m"))
        .isEqualTo("command terminated with non-zero exit code: exit code 2");

    JsonNode stream = events.stream();
    assertThat(stream.get("protocol").asText()).isEqualTo("SPDY/3.1 v4");
    assertThat(stream.get("kind").asText()).isEqualTo("exec");
    assertThat(stream.get("recordingId").asText()).isEqualTo("r-4");
    assertThat(stream.get("bytesFromClient").asLong())
        .isEqualTo(26 + "echo grüße\n".getBytes(UTF_8).length + 25);
    assertThat(stream.get("bytesFromServer").asLong())
        .isEqualTo(2 + 3 + 5 + "never from the server".length() + failure.length());
    assertThat(stream.get("closedBy").asText()).isEqualTo("server");
    // This Status has no ExitCode cause: the code is not guessed from the message.
    assertThat(stream.get("exitCode").isNull()).isTrue();
    assertThat(stream.get("durationMs").asLong()).isEqualTo(2_000);
  }

  @Test
  void aPortForwardOverSpdyTakesItsPortsFromTheStreams() {
    StreamTap tap =
        open(
            "/api/v1/namespaces/default/pods/web/portforward",
            "SPDY/3.1",
            "portforward.k8s.io",
            true);
    SpdyStreams streams = new SpdyStreams(tap.spdyListener());
    client(streams, tap, portForwardFromKubectl(), 3);
    server(streams, tap, portForwardFromServer(), 3);
    streams.close();
    tap.closed();

    assertThat(events.of("recording")).isEmpty();
    JsonNode stream = events.stream();
    assertThat(stream.get("kind").asText()).isEqualTo("portforward");
    assertThat(stream.get("protocol").asText()).isEqualTo("SPDY/3.1 portforward.k8s.io");
    assertThat(stream.get("ports").toString()).isEqualTo("[8080,9090]");
    assertThat(stream.get("bytesFromClient").asLong()).isEqualTo(18);
    assertThat(stream.get("bytesFromServer").asLong()).isEqualTo(12);
    assertThat(stream.get("recordingId").isNull()).isTrue();
  }

  @Test
  void aPortForwardOfSpdyTunnelledInWebSocketIsFollowedToo() {
    StreamTap tap =
        open(
            "/api/v1/namespaces/default/pods/web/portforward",
            "SPDY/3.1+portforward.k8s.io",
            null,
            true);
    Wire.feed(tap::fromClient, Wire.webSocket(true, binary(portForwardFromKubectl())), 5);
    Wire.feed(tap::fromServer, Wire.webSocket(false, binary(portForwardFromServer())), 5);
    tap.closed();

    JsonNode stream = events.stream();
    assertThat(stream.get("ports").toString()).isEqualTo("[8080,9090]");
    assertThat(stream.get("bytesFromClient").asLong()).isEqualTo(18);
    assertThat(stream.get("bytesFromServer").asLong()).isEqualTo(12);
  }

  private byte[] portForwardFromKubectl() {
    SpdyFrame[] frames = {
      syn(1, "streamtype", "error", "port", "8080", "requestid", "0"),
      syn(3, "streamtype", "data", "port", "8080", "requestid", "0"),
      syn(5, "streamtype", "error", "port", "9090", "requestid", "1"),
      syn(7, "streamtype", "data", "port", "9090", "requestid", "1"),
      data(3, "GET / HTTP/1.1\r\n\r\n")
    };
    return kubectl.encode(frames);
  }

  private byte[] portForwardFromServer() {
    return apiServer.encode(reply(1), reply(3), reply(5), reply(7), data(3, "HTTP/1.1 200"));
  }

  private static BinaryWebSocketFrame binary(byte[] bytes) {
    return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
  }
}
