package dev.kpam.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.testing.kube.FakeKubeApiServer;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** exec over WebSocket ({@code v5.channel.k8s.io}) through the proxy, as kubectl 1.33 does it. */
class WebSocketExecThroughProxyTest {
  private static final String SESSION = "s-1";
  private FakeKubeApiServer kube;
  private ProxyFixture fixture;
  private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

  @BeforeEach
  void startKube() {
    kube = FakeKubeApiServer.start("stored-token");
    kube.addPod("default", "web");
  }

  @AfterEach
  void stop() {
    fixture.close();
    kube.close();
  }

  private Channel execCat(Instant expiresAt) throws Exception {
    return execCat(expiresAt, "command=cat&stdin=true&stdout=true&stderr=true");
  }

  private Channel execCat(Instant expiresAt, String query) throws Exception {
    fixture =
        new ProxyFixture(
            SESSION,
            id ->
                CompletableFuture.completedFuture(
                    ProxyFixture.lookup(
                        SESSION,
                        kube.url().toString(),
                        kube.caCertificatePem(),
                        "stored-token",
                        expiresAt)));
    URI uri =
        URI.create(
            "wss://127.0.0.1:"
                + fixture.port()
                + "/api/v1/namespaces/default/pods/web/exec?"
                + query);
    DefaultHttpHeaders headers = new DefaultHttpHeaders();
    headers.set("Authorization", "Bearer user-token");
    WebSocketClientHandshaker handshaker =
        WebSocketClientHandshakerFactory.newHandshaker(
            uri, WebSocketVersion.V13, "v5.channel.k8s.io", false, headers, 1 << 16);
    CompletableFuture<Void> upgraded = new CompletableFuture<>();
    var tls = fixture.sessionTls(SESSION, ProxyFixture.GATEWAY_ID);
    Channel channel =
        fixture.connectHttp(
            tls,
            new HttpObjectAggregator(1 << 16),
            new WebSocketClientProtocolHandler(handshaker),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt
                    == WebSocketClientProtocolHandler.ClientHandshakeStateEvent
                        .HANDSHAKE_COMPLETE) {
                  upgraded.complete(null);
                }
                ctx.fireUserEventTriggered(evt);
              }
            },
            new SimpleChannelInboundHandler<BinaryWebSocketFrame>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame frame) {
                byte[] bytes = ByteBufUtil.getBytes(frame.content());
                frames.add(
                    bytes[0]
                        + ":"
                        + new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8));
              }
            });
    upgraded.get(10, TimeUnit.SECONDS);
    assertThat(handshaker.actualSubprotocol()).isEqualTo("v5.channel.k8s.io");
    return channel;
  }

  private static BinaryWebSocketFrame stdin(String text) {
    return new BinaryWebSocketFrame(
        Unpooled.wrappedBuffer(new byte[] {0}, text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * With its process started at once, the fake API server sends a short command's output and exit
   * status in the packet of its 101: the gateway must carry them across its switch from HTTP to a
   * byte pipe (it once lost them about one time in three). kubectl itself cannot be the client here
   * (its reader drops frames that come before it registered its streams), this one can.
   */
  @Test
  void outputThatSharesThePacketOfThe101ArrivesEveryTime() throws Exception {
    kube.webSocketExecStart(Duration.ZERO);
    for (int i = 0; i < 20; i++) {
      if (fixture != null) fixture.close();
      frames.clear();
      execCat(
          Instant.now().plus(Duration.ofHours(1)),
          "command=echo&command=run-" + i + "&stdout=true&stderr=true");
      assertThat(frames.poll(10, TimeUnit.SECONDS)).as("run %d", i).isEqualTo("1:run-" + i + "\n");
      assertThat(frames.poll(10, TimeUnit.SECONDS)).as("run %d", i).startsWith("3:{");
    }
  }

  @Test
  void catEchoesStdinThroughTheProxyAndTerminationArrivesOnTheErrorChannel() throws Exception {
    Channel channel = execCat(Instant.now().plus(Duration.ofHours(1)));

    channel.writeAndFlush(stdin("hello kpam\n"));
    assertThat(frames.poll(10, TimeUnit.SECONDS)).isEqualTo("1:hello kpam\n");
    assertThat(kube.requests().get(0).headers()).doesNotContainKey("impersonate-user");

    fixture.connections.terminate(SESSION, "kpam session s-1 was terminated: by admin");

    String status = frames.poll(1, TimeUnit.SECONDS);
    assertThat(status)
        .startsWith("3:{\"kind\":\"Status\"")
        .contains("\"status\":\"Failure\"")
        .contains("kpam session s-1 was terminated: by admin")
        .contains("\"code\":403");
    await().atMost(Duration.ofSeconds(1)).until(() -> !channel.isActive());
  }

  @Test
  void anExpiringSessionClosesTheStreamWithAStatusOnTheErrorChannel() throws Exception {
    Channel channel = execCat(Instant.now().plus(Duration.ofSeconds(2)));
    channel.writeAndFlush(stdin("still here\n"));
    assertThat(frames.poll(10, TimeUnit.SECONDS)).isEqualTo("1:still here\n");

    String status = frames.poll(10, TimeUnit.SECONDS);

    assertThat(status).startsWith("3:").contains("kpam session s-1 has expired");
    await().atMost(Duration.ofSeconds(5)).until(() -> !channel.isActive());
  }

  @Test
  void aTerminalHearsFiveMinutesAheadThatTheSessionEndsAndAProgramNeverDoes() throws Exception {
    Instant expires = Instant.now().plus(ExpiryNotice.BEFORE.get(0)).plusMillis(3000);
    Channel tty = execCat(expires, "command=cat&stdin=true&stdout=true&tty=true");
    tty.writeAndFlush(stdin("typing\n"));

    List<String> seen = new ArrayList<>();
    String notice = "1:\r\nkpam: this session ends in 5 minutes\r\n";
    while (!seen.contains(notice)) {
      String frame = frames.poll(10, TimeUnit.SECONDS);
      assertThat(frame).as("frames so far: %s", seen).isNotNull();
      seen.add(frame);
    }
    tty.writeAndFlush(stdin("still typing\n"));
    assertThat(frames.poll(10, TimeUnit.SECONDS)).isEqualTo("1:still typing\n");
    assertThat(seen).contains("1:typing\n").doesNotHaveDuplicates();
    tty.close().syncUninterruptibly();
    fixture.close();

    frames.clear();
    Channel program =
        execCat(
            Instant.now().plus(ExpiryNotice.BEFORE.get(0)).plusMillis(1000),
            "command=cat&stdin=true&stdout=true&stderr=true");
    program.writeAndFlush(stdin("data\n"));
    assertThat(frames.poll(10, TimeUnit.SECONDS)).isEqualTo("1:data\n");
    assertThat(frames.poll(3, TimeUnit.SECONDS)).as("nothing added to a non-TTY stream").isNull();
  }
}
