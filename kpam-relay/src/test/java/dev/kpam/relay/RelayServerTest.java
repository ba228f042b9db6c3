package dev.kpam.relay;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.crypto.pki.KpamIdentity;
import dev.kpam.transport.tls.PeerIdentity;
import dev.kpam.transport.tunnel.RelayDialer;
import dev.kpam.transport.tunnel.RelayRefusedException;
import dev.kpam.transport.tunnel.TunnelClient;
import dev.kpam.transport.tunnel.TunnelClientConfig;
import dev.kpam.transport.tunnel.TunnelListener;
import dev.kpam.transport.tunnel.TunnelStreamHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RelayServerTest {
  static final SessionGate ALLOW_ALL =
      (sessionId, gatewayId) -> CompletableFuture.completedFuture(GateDecision.allow());

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
  void bytesFlowBetweenADialerAndAGatewayThroughTheRelay() throws Exception {
    RelayServer relay = relay(ALLOW_ALL);
    gateway(relay, "dc1", echo());
    awaitTunnels(relay, "dc1", 1);

    Channel client = dial(relay, pki.session("s1", "dc1"));
    Collector received = collect(client, true);
    client.writeAndFlush(ascii("hello through the relay"));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> received.text().equals("hello through the relay"));
  }

  @Test
  void twentyMegabytesEachWayArriveIntact() throws Exception {
    RelayServer relay = relay(ALLOW_ALL);
    gateway(relay, "dc1", echo());
    awaitTunnels(relay, "dc1", 1);
    Channel client = dial(relay, pki.session("s1", "dc1"));
    Collector received = collect(client, false);

    int chunk = 64 * 1024;
    int chunks = 20 * 1024 * 1024 / chunk;
    CRC32 sent = new CRC32();
    byte[] data = new byte[chunk];
    for (int i = 0; i < chunks; i++) {
      for (int j = 0; j < chunk; j++) {
        data[j] = (byte) (i * 31 + j);
      }
      sent.update(data);
      // One chunk in flight at a time: the test itself must not queue 20 MB.
      client.writeAndFlush(Unpooled.wrappedBuffer(data.clone())).sync();
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> received.count() == (long) chunk * chunks);
    assertThat(received.crc()).isEqualTo(sent.getValue());
  }

  @Test
  void aSessionOfGatewayANeverReachesGatewayB() throws Exception {
    RelayServer relay = relay(ALLOW_ALL);
    AtomicInteger streamsAtB = new AtomicInteger();
    gateway(
        relay,
        "gw-b",
        (stream, info) -> {
          streamsAtB.incrementAndGet();
          stream.close();
        });
    awaitTunnels(relay, "gw-b", 1);

    assertThatThrownBy(() -> dial(relay, pki.session("s1", "gw-a")))
        .hasCauseInstanceOf(RelayRefusedException.class)
        .cause()
        .hasMessage("the relay refused: gateway gw-a is not connected to the relay")
        .extracting(e -> ((RelayRefusedException) e).code())
        .isEqualTo("gateway_offline");
    assertThat(streamsAtB).hasValue(0);
  }

  @Test
  void aRefusalOfTheGateReachesTheClientWithItsReason() throws Exception {
    RelayServer relay =
        relay(
            (sessionId, gatewayId) ->
                CompletableFuture.supplyAsync(
                    () -> GateDecision.refuse("session " + sessionId + " has ended")));
    gateway(relay, "dc1", echo());
    awaitTunnels(relay, "dc1", 1);

    assertThatThrownBy(() -> dial(relay, pki.session("s1", "dc1")))
        .cause()
        .isInstanceOf(RelayRefusedException.class)
        .hasMessage("the relay refused: session s1 has ended")
        .extracting(e -> ((RelayRefusedException) e).code())
        .isEqualTo("session_refused");
  }

  @Test
  void aGateThatCannotDecideIsAnOutageForTheClientNotARefusal() throws Exception {
    RelayServer relay =
        relay(
            (sessionId, gatewayId) ->
                CompletableFuture.failedFuture(
                    new GateUnavailableException(
                        "cannot reach the kpam server to check session " + sessionId)));
    gateway(relay, "dc1", echo());
    awaitTunnels(relay, "dc1", 1);

    assertThatThrownBy(() -> dial(relay, pki.session("s1", "dc1")))
        .cause()
        .isInstanceOf(RelayRefusedException.class)
        .hasMessage("the relay refused: cannot reach the kpam server to check session s1")
        .extracting(e -> ((RelayRefusedException) e).code())
        .isEqualTo("internal");
  }

  @Test
  void aRenewedCertificateServesNewConnectionsWhileOpenTunnelsStay() throws Exception {
    RelayServer relay = relay(ALLOW_ALL);
    gateway(relay, "dc1", echo());
    awaitTunnels(relay, "dc1", 1);
    KeyPair renewedKeys = KeyPairs.generateEcP256();

    relay.useCertificate(
        renewedKeys.getPrivate(),
        List.of(pki.relayCertificate(renewedKeys, "renewed-relay")),
        pki.ca.chain());

    Channel client = dial(relay, pki.session("s1", "dc1"));
    assertThat(PeerIdentity.of(client.pipeline().get(SslHandler.class).engine().getSession()))
        .contains(KpamIdentity.relay("renewed-relay"));
    assertEchoes(client);
    assertThat(relay.connectedGateways()).containsEntry("dc1", 1);
  }

  @Test
  void aGatewayCertificateUsedToDialIsRefusedAsABadCertificate() throws Exception {
    RelayServer relay = relay(ALLOW_ALL);

    assertThatThrownBy(() -> dial(relay, pki.gateway("dc1")))
        .cause()
        .isInstanceOf(RelayRefusedException.class)
        .extracting(e -> ((RelayRefusedException) e).code())
        .isEqualTo("bad_certificate");
    assertThat(relay.connectedGateways()).isEmpty();
  }

  @Test
  void anExpiredSessionCertificateFailsTheTlsHandshake() throws Exception {
    RelayServer relay = relay(ALLOW_ALL);
    java.time.Instant now = pki.clock.instant();
    CertificateAuthority pastCa =
        CertificateAuthority.of(
            pki.ca.certificate(),
            pki.ca.privateKey(),
            java.time.Clock.fixed(now.minus(Duration.ofHours(2)), java.time.ZoneOffset.UTC));
    TestPki.Identity expired = TestPki.session(pastCa, "s1", "dc1", now.minus(Duration.ofHours(1)));

    assertThatThrownBy(() -> dial(relay, expired)).cause().isInstanceOf(SSLException.class);
  }

  @Test
  void aCertificateOfAnotherCaFailsTheTlsHandshake() throws Exception {
    RelayServer relay = relay(ALLOW_ALL);
    CertificateAuthority otherCa = CertificateAuthority.create("another CA", pki.clock);
    TestPki.Identity foreign =
        TestPki.session(otherCa, "s1", "dc1", pki.clock.instant().plus(Duration.ofHours(1)));

    assertThatThrownBy(() -> dial(relay, foreign.relayClientTls(pki.ca)))
        .cause()
        .isInstanceOf(SSLException.class);
  }

  @Test
  void twoInstancesOfAGatewayShareTheStreamsAndEitherServesAlone() throws Exception {
    RelayServer relay = relay(ALLOW_ALL);
    AtomicInteger atFirst = new AtomicInteger();
    AtomicInteger atSecond = new AtomicInteger();
    TunnelClient first = gateway(relay, "ha", counting(atFirst));
    gateway(relay, "ha", counting(atSecond));
    awaitTunnels(relay, "ha", 2);

    for (int i = 0; i < 4; i++) {
      assertEchoes(dial(relay, pki.session("s" + i, "ha")));
    }
    assertThat(atFirst.get()).isPositive();
    assertThat(atSecond.get()).isPositive();

    first.close();
    awaitTunnels(relay, "ha", 1);
    for (int i = 0; i < 3; i++) {
      assertEchoes(dial(relay, pki.session("t" + i, "ha")));
    }
  }

  @Test
  void theTunnelClientReconnectsAfterTheRelayRestarts() throws Exception {
    RelayServer relay = RelayServer.start(pki.relayConfig(0, ALLOW_ALL));
    int port = relay.port();
    TunnelClient tunnels = gateway(relay, "dc1", echo());
    awaitTunnels(relay, "dc1", 1);

    relay.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> tunnels.connectedRelays().isEmpty());
    RelayServer restarted = RelayServer.start(pki.relayConfig(port, ALLOW_ALL));
    toClose.add(restarted);

    awaitTunnels(restarted, "dc1", 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> tunnels.connectedRelays().size() == 1);
    assertEchoes(dial(restarted, pki.session("s1", "dc1")));
  }

  @Test
  void aTunnelThatStopsAnsweringIsDroppedAfterDeadAfter() throws Exception {
    RelayServer relay = relay(ALLOW_ALL);
    TcpProxy path = new TcpProxy(new InetSocketAddress("127.0.0.1", relay.port()));
    toClose.add(path);
    gatewayVia(path.address(), "dc1", echo());
    awaitTunnels(relay, "dc1", 1);

    path.freeze();

    await().atMost(Duration.ofSeconds(5)).until(() -> relay.connectedGateways().isEmpty());
    assertThatThrownBy(() -> dial(relay, pki.session("s1", "dc1")))
        .cause()
        .isInstanceOf(RelayRefusedException.class);
  }

  @Test
  void closingTheClientClosesTheGatewayStreamAndViceVersa() throws Exception {
    RelayServer relay = relay(ALLOW_ALL);
    List<CompletableFuture<Channel>> streams =
        List.of(new CompletableFuture<>(), new CompletableFuture<>());
    AtomicInteger next = new AtomicInteger();
    gateway(
        relay,
        "dc1",
        (stream, info) -> {
          stream.pipeline().addLast(new Echo());
          stream.read();
          streams.get(next.getAndIncrement()).complete(stream);
        });
    awaitTunnels(relay, "dc1", 1);

    Channel client = dial(relay, pki.session("s1", "dc1"));
    Channel stream = streams.get(0).get(10, SECONDS);
    client.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> !stream.isActive());

    Channel secondClient = dial(relay, pki.session("s2", "dc1"));
    collect(secondClient, false); // a closed TCP connection is only noticed by reading
    streams.get(1).get(10, SECONDS).close();
    assertThat(secondClient.closeFuture().await(10, SECONDS)).isTrue();
  }

  @Test
  void hundredsOfStreamsResetByEitherSideWithinSecondsLeaveTheTunnelUp() throws Exception {
    // Netty's HTTP/2 server allows 200 RST_STREAMs each way per 30 s by default (rapid-reset
    // protection), and the gateway is the server of its tunnel: a revocation ending a session's
    // connections, or kubectl closing its own, once took the whole tunnel down.
    RelayServer relay = relay(ALLOW_ALL);
    BlockingQueue<Channel> streams = new LinkedBlockingQueue<>();
    AtomicInteger drops = new AtomicInteger();
    TunnelListener listener =
        new TunnelListener() {
          @Override
          public void connected(String address) {}

          @Override
          public void disconnected(String address) {
            drops.incrementAndGet();
          }
        };
    tunnelClient(
        "127.0.0.1:" + relay.port(),
        pki.gateway("dc1"),
        (stream, info) -> {
          stream.pipeline().addLast(new Echo());
          stream.read();
          streams.add(stream);
        },
        listener);
    awaitTunnels(relay, "dc1", 1);

    for (int i = 0; i < 240; i++) {
      // The client goes away: the relay resets the stream towards the gateway.
      Channel client = dial(relay, pki.session("c" + i, "dc1"));
      streams.poll(10, SECONDS);
      client.close().syncUninterruptibly();
    }
    for (int i = 0; i < 240; i++) {
      // The gateway ends the stream (as a revocation does): it resets it towards the relay.
      dial(relay, pki.session("g" + i, "dc1"));
      streams.poll(10, SECONDS).close().syncUninterruptibly();
    }

    assertEchoes(dial(relay, pki.session("after", "dc1")));
    assertThat(drops.get()).as("tunnel drops").isZero();
  }

  @Test
  void theRelaySeesOnlyCiphertextOfTheInnerTls() throws Exception {
    RelayServer relay = relay(ALLOW_ALL);
    TcpProxy tap = new TcpProxy(new InetSocketAddress("127.0.0.1", relay.port()));
    toClose.add(tap);
    TestPki.Identity gatewayIdentity = pki.gateway("dc1");
    SslContext gatewayInnerTls = gatewayIdentity.innerServerTls();
    gateway(
        relay,
        "dc1",
        gatewayIdentity,
        (stream, info) -> {
          stream.pipeline().addLast(gatewayInnerTls.newHandler(stream.alloc()), new Echo());
          stream.read();
        });
    awaitTunnels(relay, "dc1", 1);
    TestPki.Identity session = pki.session("s1", "dc1");

    Channel client =
        new RelayDialer()
            .dial(group, tap.address(), session.relayClientTls(pki.ca))
            .toCompletableFuture()
            .get(10, SECONDS);
    SslContext innerClientTls =
        dev.kpam.transport.tls.TlsContexts.client(
            session.keys().getPrivate(), List.of(session.certificate()), pki.ca.chain(), false);
    client.pipeline().addLast(innerClientTls.newHandler(client.alloc()));
    Collector received = collect(client, true);
    String marker = "KPAM-PLAINTEXT-MARKER-0123456789";
    String message = marker.repeat(100);
    client.writeAndFlush(ascii(message));

    await().atMost(Duration.ofSeconds(10)).until(() -> received.text().equals(message));
    byte[] wire = tap.captured();
    assertThat(wire.length).isGreaterThan(message.length());
    assertThat(new String(wire, StandardCharsets.ISO_8859_1)).doesNotContain(marker);
  }

  // --- fixtures ---

  RelayServer relay(SessionGate gate) {
    RelayServer relay = RelayServer.start(pki.relayConfig(0, gate));
    toClose.add(relay);
    return relay;
  }

  TunnelClient gateway(RelayServer relay, String gatewayId, TunnelStreamHandler handler) {
    return gateway(relay, gatewayId, pki.gateway(gatewayId), handler);
  }

  TunnelClient gateway(
      RelayServer relay, String gatewayId, TestPki.Identity identity, TunnelStreamHandler handler) {
    return tunnelClient("127.0.0.1:" + relay.port(), identity, handler);
  }

  TunnelClient gatewayVia(InetSocketAddress path, String gatewayId, TunnelStreamHandler handler) {
    return tunnelClient("127.0.0.1:" + path.getPort(), pki.gateway(gatewayId), handler);
  }

  TunnelClient tunnelClient(String relay, TestPki.Identity identity, TunnelStreamHandler handler) {
    return tunnelClient(relay, identity, handler, TunnelListener.none());
  }

  TunnelClient tunnelClient(
      String relay,
      TestPki.Identity identity,
      TunnelStreamHandler handler,
      TunnelListener listener) {
    SslContext tls = identity.relayClientTls(pki.ca);
    TunnelClient client =
        TunnelClient.start(
            new TunnelClientConfig(
                List.of(relay),
                () -> tls,
                handler,
                listener,
                group,
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                Duration.ofSeconds(30)));
    toClose.add(client);
    return client;
  }

  static TunnelStreamHandler echo() {
    return (stream, info) -> {
      stream.pipeline().addLast(new Echo());
      stream.read();
    };
  }

  static TunnelStreamHandler counting(AtomicInteger streams) {
    return (stream, info) -> {
      streams.incrementAndGet();
      stream.pipeline().addLast(new Echo());
      stream.read();
    };
  }

  void awaitTunnels(RelayServer relay, String gatewayId, int count) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> relay.connectedGateways().getOrDefault(gatewayId, 0) == count);
  }

  Channel dial(RelayServer relay, TestPki.Identity identity) throws Exception {
    return dial(relay, identity.relayClientTls(pki.ca));
  }

  Channel dial(RelayServer relay, SslContext tls) throws Exception {
    Channel channel =
        new RelayDialer()
            .dial(group, new InetSocketAddress("127.0.0.1", relay.port()), tls)
            .toCompletableFuture()
            .get(10, SECONDS);
    toClose.add(() -> channel.close().syncUninterruptibly());
    return channel;
  }

  static Collector collect(Channel channel, boolean keep) {
    Collector collector = new Collector(keep);
    channel.pipeline().addLast(collector);
    channel.config().setAutoRead(true);
    return collector;
  }

  void assertEchoes(Channel client) {
    Collector received = collect(client, true);
    client.writeAndFlush(ascii("ping"));
    await().atMost(Duration.ofSeconds(10)).until(() -> received.text().equals("ping"));
    client.close();
  }

  static ByteBuf ascii(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }
}
