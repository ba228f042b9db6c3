package dev.kpam.relay;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kpam.transport.tunnel.RelayDialer;
import dev.kpam.transport.tunnel.RelayRefusedException;
import dev.kpam.transport.tunnel.RelayWire;
import dev.kpam.transport.tunnel.TunnelClient;
import dev.kpam.transport.tunnel.TunnelClientConfig;
import dev.kpam.transport.tunnel.TunnelListener;
import dev.kpam.transport.tunnel.TunnelStreamHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay under hostile input: silent peers, and more connections than an identity may hold. */
class RelayLimitsTest {
  static final Duration BOUND = Duration.ofMillis(400);

  final TestPki pki = new TestPki();
  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    group.shutdownGracefully(0, 1, SECONDS).syncUninterruptibly();
  }

  @Test
  void aPeerThatCompletesTheHandshakeAndSaysNothingIsClosedWithinTheBound() throws Exception {
    RelayServer relay = relay(RelayLimits.defaults().withFirstBytesTimeout(BOUND));

    Channel silent = tlsOnly(relay, pki.session("s1", "dc1"));
    long handshakeDone = System.nanoTime();

    assertThat(silent.closeFuture().await(10, SECONDS)).isTrue();
    // The relay's clock starts after the client's handshake is done, so never sooner than BOUND.
    assertThat(Duration.ofNanos(System.nanoTime() - handshakeDone))
        .isGreaterThanOrEqualTo(BOUND.minusMillis(50));
  }

  @Test
  void aPeerThatSendsHalfAHelloAndStopsIsClosedWithinTheBound() throws Exception {
    RelayServer relay = relay(RelayLimits.defaults().withFirstBytesTimeout(BOUND));

    Channel trickling = tlsOnly(relay, pki.session("s1", "dc1"));
    trickling.writeAndFlush(Unpooled.copiedBuffer("KPAM/1", StandardCharsets.US_ASCII)).sync();

    assertThat(trickling.closeFuture().await(10, SECONDS)).isTrue();
  }

  @Test
  void aPeerThatNeverStartsTheTlsHandshakeIsClosedWithinTheHandshakeTimeout() throws Exception {
    RelayServer relay = relay(RelayLimits.defaults().withHandshakeTimeout(BOUND));

    Channel plain = connect(relay, new Collector(false));

    assertThat(plain.closeFuture().await(10, SECONDS)).isTrue();
  }

  @Test
  void aClientThatDialsWithinTheBoundIsServed() throws Exception {
    RelayServer relay = relay(RelayLimits.defaults().withFirstBytesTimeout(BOUND));
    gateway(relay, "dc1");
    awaitTunnels(relay, "dc1", 1);

    Connection client = dial(relay, "s1", "dc1").get(10, SECONDS);

    client.assertEchoes("served");
  }

  @Test
  void aSplicedConnectionThatFallsSilentStaysOpenPastTheBoundAndSoDoesItsTunnel() throws Exception {
    RelayServer relay = relay(RelayLimits.defaults().withFirstBytesTimeout(BOUND));
    gateway(relay, "dc1");
    awaitTunnels(relay, "dc1", 1);
    Connection client = dial(relay, "s1", "dc1").get(10, SECONDS);

    await()
        .during(BOUND.multipliedBy(3))
        .atMost(BOUND.multipliedBy(6))
        .until(
            () ->
                client.channel().isActive()
                    && relay.connectedGateways().getOrDefault("dc1", 0) == 1);

    client.assertEchoes("still here");
  }

  @Test
  void theConnectionPastTheSessionBoundIsRefusedWhileTheOthersStayOpen() throws Exception {
    RelayServer relay = relay(RelayLimits.defaults().withMaxConnectionsPerSession(3));
    gateway(relay, "dc1");
    awaitTunnels(relay, "dc1", 1);
    List<Connection> open = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      open.add(dial(relay, "s1", "dc1").get(10, SECONDS));
    }

    assertThatThrownBy(() -> dial(relay, "s1", "dc1").get(10, SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(RelayRefusedException.class)
        .hasMessage(
            "the relay refused: session s1 holds 3 connections at the relay, the most it may")
        .extracting(e -> ((RelayRefusedException) e).code())
        .isEqualTo(RelayWire.TOO_MANY_CONNECTIONS);

    for (Connection connection : open) {
      connection.assertEchoes("unaffected");
    }
    dial(relay, "s2", "dc1").get(10, SECONDS).assertEchoes("another session");

    open.get(0).channel().close().sync();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> dial(relay, "s1", "dc1").get(10, SECONDS).channel().isActive());
  }

  @Test
  void concurrentDialsOfOneSessionAdmitExactlyTheBound() throws Exception {
    RelayServer relay = relay(RelayLimits.defaults().withMaxConnectionsPerSession(4));
    gateway(relay, "dc1");
    awaitTunnels(relay, "dc1", 1);

    List<SslContext> certificates = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      certificates.add(pki.session("s1", "dc1").relayClientTls(pki.ca));
    }
    List<CompletableFuture<Connection>> dials = new ArrayList<>();
    for (SslContext certificate : certificates) {
      dials.add(dial(relay, certificate));
    }
    int admitted = 0;
    int refused = 0;
    for (CompletableFuture<Connection> attempt : dials) {
      try {
        attempt.get(20, SECONDS);
        admitted++;
      } catch (ExecutionException e) {
        assertThat(e.getCause())
            .isInstanceOf(RelayRefusedException.class)
            .extracting(c -> ((RelayRefusedException) c).code())
            .isEqualTo(RelayWire.TOO_MANY_CONNECTIONS);
        refused++;
      }
    }

    assertThat(admitted).isEqualTo(4);
    assertThat(refused).isEqualTo(8);
  }

  @Test
  void aGatewayPastItsTunnelBoundIsTurnedAwayWhileItsTunnelsServe() throws Exception {
    RelayServer relay = relay(RelayLimits.defaults().withMaxTunnelsPerGateway(2));
    TunnelClient first = gateway(relay, "ha", RelayServerTest.echo());
    gateway(relay, "ha", RelayServerTest.echo());
    awaitTunnels(relay, "ha", 2);

    AtomicInteger streamsAtThird = new AtomicInteger();
    // Dials again and again (50–200 ms backoff) and is turned away each time.
    gateway(relay, "ha", RelayServerTest.counting(streamsAtThird));
    gateway(relay, "dc2", RelayServerTest.echo());

    awaitTunnels(relay, "dc2", 1);
    await()
        .during(BOUND.multipliedBy(2))
        .atMost(BOUND.multipliedBy(4))
        .until(() -> relay.connectedGateways().getOrDefault("ha", 0) == 2);
    for (int i = 0; i < 2; i++) {
      dial(relay, "s" + i, "ha").get(10, SECONDS).assertEchoes("through a tunnel of ha");
    }
    assertThat(streamsAtThird).hasValue(0);

    first.close(); // its place is free again, and the third instance takes it
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions() // a dial may catch the closing tunnel of the first instance
        .until(
            () -> {
              dial(relay, "t", "ha").get(10, SECONDS).assertEchoes("through the third");
              return streamsAtThird.get() > 0;
            });
  }

  @Test
  void limitsOutsideTheirRangeAreRejectedWithTheFieldAndValue() {
    assertThatThrownBy(() -> RelayLimits.defaults().withFirstBytesTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("firstBytesTimeout: PT0S (expected: positive)");
    assertThatThrownBy(() -> RelayLimits.defaults().withMaxTunnelsPerGateway(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTunnelsPerGateway: 0 (expected: at least 1)");
  }

  // --- fixtures ---

  RelayServer relay(RelayLimits limits) {
    // PINGs at a relaxed pace: a dozen handshakes at once on a busy machine must not make a
    // tunnel look dead (TestPki's 600 ms is for the tests of liveness).
    RelayServer relay =
        RelayServer.start(
            new RelayConfig(
                "127.0.0.1",
                0,
                pki.relayKeys.getPrivate(),
                List.of(pki.relayCert),
                pki.ca.chain(),
                RelayServerTest.ALLOW_ALL,
                pki.clock,
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                limits));
    toClose.add(relay);
    return relay;
  }

  TunnelClient gateway(RelayServer relay, String gatewayId) {
    return gateway(relay, gatewayId, RelayServerTest.echo());
  }

  TunnelClient gateway(RelayServer relay, String gatewayId, TunnelStreamHandler handler) {
    SslContext tls = pki.gateway(gatewayId).relayClientTls(pki.ca);
    TunnelClient client =
        TunnelClient.start(
            new TunnelClientConfig(
                List.of("127.0.0.1:" + relay.port()),
                () -> tls,
                handler,
                TunnelListener.none(),
                group,
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                Duration.ofSeconds(30)));
    toClose.add(client);
    return client;
  }

  void awaitTunnels(RelayServer relay, String gatewayId, int count) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> relay.connectedGateways().getOrDefault(gatewayId, 0) == count);
  }

  /** Dials through the relay with a fresh certificate of the session. */
  CompletableFuture<Connection> dial(RelayServer relay, String sessionId, String gatewayId) {
    return dial(relay, pki.session(sessionId, gatewayId).relayClientTls(pki.ca));
  }

  CompletableFuture<Connection> dial(RelayServer relay, SslContext sessionTls) {
    CompletionStage<Channel> dialed =
        new RelayDialer().dial(group, new InetSocketAddress("127.0.0.1", relay.port()), sessionTls);
    return dialed
        .thenApply(
            channel -> {
              toClose.add(() -> channel.close().syncUninterruptibly());
              return new Connection(channel, RelayServerTest.collect(channel, true));
            })
        .toCompletableFuture();
  }

  /** A TLS connection to the relay with {@code identity}'s certificate that sends nothing. */
  Channel tlsOnly(RelayServer relay, TestPki.Identity identity) throws Exception {
    SslContext tls = identity.relayClientTls(pki.ca);
    Channel channel =
        connect(
            relay,
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(tls.newHandler(ch.alloc(), "127.0.0.1", relay.port()))
                    .addLast(new Collector(false));
              }
            });
    channel.pipeline().get(SslHandler.class).handshakeFuture().get(10, SECONDS);
    return channel;
  }

  Channel connect(RelayServer relay, ChannelHandler handler) throws InterruptedException {
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(handler)
            .connect("127.0.0.1", relay.port())
            .sync()
            .channel();
    toClose.add(() -> channel.close().syncUninterruptibly());
    return channel;
  }

  /** A client connection spliced to its gateway, and what came back on it. */
  record Connection(Channel channel, Collector received) {
    void assertEchoes(String text) {
      int before = received.text().length();
      channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
      await()
          .atMost(10, TimeUnit.SECONDS)
          .until(() -> received.text().substring(before).equals(text));
    }
  }
}
