package dev.kpam.it.access;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.cli.access.AccessSession;
import dev.kpam.crypto.pki.Csrs;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.crypto.pki.KpamIdentity;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.gateway.Gateway;
import dev.kpam.gateway.GatewayConfig;
import dev.kpam.gateway.enroll.GatewayFiles;
import dev.kpam.gateway.enroll.GatewayIdentity;
import dev.kpam.testing.kube.Kubectl;
import dev.kpam.transport.tls.PeerIdentity;
import dev.kpam.transport.tls.TlsContexts;
import dev.kpam.transport.tunnel.RelayDialer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kpam server --no-embedded-relay --relay-address …} with a standalone {@code kpam relay}
 * (registered, enrolled with its one-time token, renewing its 45 s certificate) between the real
 * kubectl and the gateway: the relay asks the server about every session, so an ended session is
 * refused at the relay itself; and a gateway certificate cannot pose as the relay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneRelayTest {
  private static final Duration RELAY_CERTIFICATE_LIFETIME = Duration.ofSeconds(45);
  @TempDir static Path dir;
  private KpamWorld world;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  @BeforeAll
  void start() {
    world =
        KpamWorld.startWithStandaloneRelay(
            dir, server -> server.relayCertificateLifetime(RELAY_CERTIFICATE_LIFETIME));
  }

  @AfterAll
  void stop() {
    if (world != null) world.close();
    group.shutdownGracefully(0, 1, SECONDS).syncUninterruptibly();
  }

  @Test
  void theDataDirsOfServerGatewayAndRelayAndTheirSecretsAreOnlyTheirOwnersAfterStart()
      throws Exception {
    for (String part : List.of("server", "gateway", "relay")) {
      assertThat(mode(dir.resolve(part))).as(part).isEqualTo("rwx------");
    }
    for (String secret :
        List.of(
            "server/root.key",
            "server/kpam.db",
            "server/kpam.db-wal",
            "server/kpam.db-shm",
            "gateway/gateway.key",
            "gateway/credential",
            "relay/relay.key",
            "relay/credential")) {
      assertThat(mode(dir.resolve(secret))).as(secret).isEqualTo("rw-------");
    }
    assertThat(mode(dir.resolve("gateway/spool"))).isEqualTo("rwx------");
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void kubectlWorksThroughTheStandaloneRelay() {
    Path kubeconfig = dir.resolve("works-kubeconfig");
    AccessSession access = world.access("1h", kubeconfig);
    try {
      Kubectl.Result pods = world.kubectl(Kubectl.V1_33, kubeconfig).run("get", "pods");

      assertThat(pods.exitCode()).as(pods.stderr()).isZero();
      assertThat(pods.stdout()).contains("web");
      assertThat(world.plane.hasEmbeddedRelay()).isFalse();
      assertThat(world.standaloneRelay().connectedGateways()).containsKey(world.gatewayId);
      assertThat(world.plane.server().relayAddresses())
          .containsExactly("127.0.0.1:" + world.standaloneRelay().port());
    } finally {
      access.close();
    }
  }

  @Test
  void afterTheSessionEndsANewConnectionIsRefusedAtTheRelayWithItsReason() {
    Path kubeconfig = dir.resolve("ended-kubeconfig");
    // The CLI does not look at the session again: it keeps serving kubectl after the end.
    AccessSession access = world.access("1h", kubeconfig, Duration.ofHours(1));
    try {
      Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
      Kubectl.Result before = kubectl.run("get", "pods");
      assertThat(before.exitCode()).as(before.stderr()).isZero();

      world.call(
          "POST",
          "/api/v1/sessions/" + access.sessionId() + "/end",
          world.adminToken,
          Map.of("reason", "e2e end"));

      // The gateway says "kpam session … has ended"; the relay passes on the server's words.
      String relaysReason = "session " + access.sessionId() + " is ended: e2e end";
      List<Kubectl.Result> attempts = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                Kubectl.Result attempt = kubectl.run("get", "pods", "--request-timeout=10s");
                attempts.add(attempt);
                return attempt.stderr().contains(relaysReason);
              });
      Kubectl.Result refused = attempts.get(attempts.size() - 1);
      assertThat(refused.exitCode()).isNotZero();
      assertThat(refused.stderr()).contains("Forbidden").contains(relaysReason);
    } finally {
      access.close();
    }
  }

  @Test
  void theRelayRenewsItsCertificateAndKeepsServing() throws Exception {
    Instant before = world.standaloneRelay().certificateNotAfter();

    await()
        .atMost(RELAY_CERTIFICATE_LIFETIME.plusSeconds(15))
        .until(() -> world.standaloneRelay().certificateNotAfter().isAfter(before));

    X509Certificate onDisk =
        Pem.parseCertificate(
            Files.readString(dir.resolve("relay").resolve("relay.crt"), StandardCharsets.US_ASCII));
    assertThat(onDisk.getNotAfter().toInstant()).isAfter(before);
    assertThat(KpamIdentity.require(onDisk))
        .isEqualTo(KpamIdentity.relay(world.standaloneRelay().relayId()));
    assertThat(
            world
                .call("GET", "/api/v1/audit?action=relay.certificate.renew", world.adminToken, null)
                .get("items"))
        .isNotEmpty();
    Path kubeconfig = dir.resolve("renewed-kubeconfig");
    AccessSession access = world.access("1h", kubeconfig);
    try {
      Kubectl.Result pods = world.kubectl(Kubectl.V1_33, kubeconfig).run("get", "pods");
      assertThat(pods.exitCode()).as(pods.stderr()).isZero();
    } finally {
      access.close();
    }
  }

  @Test
  void aGatewayCertificatePosingAsTheRelayIsRefusedByTheClientAndByTheGateway() throws Exception {
    GatewayIdentity gatewayIdentity = GatewayFiles.in(dir.resolve("gateway")).load();
    try (ImpostorRelay impostor = ImpostorRelay.start(group, gatewayIdentity)) {
      KeyPair sessionKey = KeyPairs.generateEcP256();
      JsonNode session =
          world.call(
              "POST",
              "/api/v1/sessions",
              world.adminToken,
              Map.of(
                  "resource",
                  "prod",
                  "account",
                  "admin",
                  "duration",
                  "10m",
                  "csr",
                  Csrs.create(sessionKey, "kpam-cli")));
      List<X509Certificate> cas = new ArrayList<>();
      session.get("caChain").forEach(pem -> cas.addAll(Pem.parseCertificates(pem.asText())));
      SslContext sessionTls =
          TlsContexts.client(
              sessionKey.getPrivate(),
              List.of(Pem.parseCertificate(session.get("certificate").asText())),
              cas,
              false);
      RelayDialer dialer = new RelayDialer();

      // The CLI's dialer: the real relay passes, the impostor is refused before the hello.
      Channel real =
          dialer
              .dial(
                  group,
                  new InetSocketAddress("127.0.0.1", world.standaloneRelay().port()),
                  sessionTls)
              .toCompletableFuture()
              .get(10, SECONDS);
      assertThat(PeerIdentity.of(real.pipeline().get(SslHandler.class).engine().getSession()))
          .contains(KpamIdentity.relay(world.standaloneRelay().relayId()));
      real.close().syncUninterruptibly();
      assertThatThrownBy(
              () ->
                  dialer
                      .dial(group, impostor.address(), sessionTls)
                      .toCompletableFuture()
                      .get(10, SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(SSLPeerUnverifiedException.class)
          .hasMessage(
              "127.0.0.1:"
                  + impostor.address().getPort()
                  + " is not a kpam relay: its certificate speaks for gateway "
                  + world.gatewayId);

      // A gateway told to use the impostor as its relay opens no tunnel there. (It cannot reach
      // the server either: the server's heartbeat answer would name the real relay at once.)
      Path impostorsGateway = dir.resolve("gateway-of-the-impostor");
      GatewayFiles.in(impostorsGateway)
          .save(
              new GatewayIdentity(
                  gatewayIdentity.gatewayId(),
                  gatewayIdentity.name(),
                  gatewayIdentity.key(),
                  gatewayIdentity.certificate(),
                  gatewayIdentity.caChain(),
                  gatewayIdentity.credential(),
                  List.of("127.0.0.1:" + impostor.address().getPort()),
                  gatewayIdentity.server()));
      try (Gateway misled =
          Gateway.start(
              GatewayConfig.defaults(
                  impostorsGateway, java.net.URI.create("http://127.0.0.1:1"), world.http))) {
        await().atMost(Duration.ofSeconds(20)).until(() -> impostor.handshakes.get() >= 3);
        assertThat(misled.connectedRelays()).isEmpty();
      }
      assertThat(impostor.bytesReceived.get()).as("no hello, no HTTP/2 preface").isZero();
      world.call(
          "POST",
          "/api/v1/sessions/" + session.get("session").get("id").asText() + "/end",
          world.adminToken,
          Map.of());
    }
  }

  /**
   * A TLS server presenting a gateway's certificate of the kpam CA where a relay is expected; it
   * counts completed handshakes and the bytes it receives after them.
   */
  static final class ImpostorRelay implements AutoCloseable {
    final AtomicInteger handshakes = new AtomicInteger();
    final AtomicInteger bytesReceived = new AtomicInteger();
    private final Channel listener;

    private ImpostorRelay(EventLoopGroup group, GatewayIdentity stolen) {
      SslContext tls =
          TlsContexts.server(
              stolen.key(),
              List.of(stolen.certificate()),
              stolen.caChain(),
              ClientAuth.REQUIRE,
              false);
      listener =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline().addLast(tls.newHandler(ch.alloc()), new Counter());
                    }
                  })
              .bind("127.0.0.1", 0)
              .syncUninterruptibly()
              .channel();
    }

    static ImpostorRelay start(EventLoopGroup group, GatewayIdentity stolen) {
      return new ImpostorRelay(group, stolen);
    }

    InetSocketAddress address() {
      return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
      listener.close().syncUninterruptibly();
    }

    private final class Counter extends ChannelInboundHandlerAdapter {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess()) {
          handshakes.incrementAndGet();
        }
        ctx.fireUserEventTriggered(evt);
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        bytesReceived.addAndGet(bytes.readableBytes());
        bytes.release();
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
      }
    }
  }
}
