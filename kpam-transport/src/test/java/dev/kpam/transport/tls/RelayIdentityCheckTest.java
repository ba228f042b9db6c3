package dev.kpam.transport.tls;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.transport.tunnel.RelayDialer;
import dev.kpam.transport.tunnel.RelayWire;
import dev.kpam.transport.tunnel.TunnelClient;
import dev.kpam.transport.tunnel.TunnelClientConfig;
import dev.kpam.transport.tunnel.TunnelListener;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Dialers and gateways reach "the relay" over real TLS on loopback and accept it only with a relay
 * certificate of the kpam CA: a gateway's or a session's certificate cannot pose as the relay.
 */
class RelayIdentityCheckTest {
  final CertificateAuthority ca = CertificateAuthority.create("kpam test CA", Clock.systemUTC());
  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  final FakeRelay relay = new FakeRelay();
  final KeyPair clientKeys = KeyPairs.generateEcP256();

  @AfterEach
  void stop() {
    relay.close();
    group.shutdownGracefully(0, 1, SECONDS).syncUninterruptibly();
  }

  @Test
  void aDialerTalksToAPeerWithARelayCertificate() throws Exception {
    KeyPair keys = KeyPairs.generateEcP256();
    relay.start(
        keys,
        ca.issueRelayCertificate(
            keys.getPublic(), "r-1", List.of(), List.of("127.0.0.1"), Duration.ofHours(1)));

    Channel channel = dial().get(10, SECONDS);

    assertThat(channel.isActive()).isTrue();
    assertThat(channel.pipeline().get(RelayIdentityCheck.class)).isNull();
    channel.close().syncUninterruptibly();
  }

  @Test
  void aDialerRefusesAPeerWithAGatewayCertificateBeforeSayingAWord() throws Exception {
    KeyPair keys = KeyPairs.generateEcP256();
    relay.start(keys, ca.issueGatewayCertificate(keys.getPublic(), "dc1", Duration.ofHours(1)));

    assertThatThrownBy(() -> dial().get(10, SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(SSLPeerUnverifiedException.class)
        .hasMessage(
            "127.0.0.1:"
                + relay.port()
                + " is not a kpam relay: its certificate speaks for"
                + " gateway dc1");
    await().atMost(Duration.ofSeconds(10)).until(() -> relay.closedAfterHandshake.get() == 1);
    assertThat(relay.received).as("not even the hello").isEmpty();
  }

  @Test
  void aGatewayOpensNoTunnelToAPeerWithAnotherGatewaysCertificate() {
    // Session certificates are for clients only (extended key usage): the TLS handshake itself
    // refuses them as a server's. A gateway certificate serves TLS, so only the identity tells.
    KeyPair keys = KeyPairs.generateEcP256();
    relay.start(keys, ca.issueGatewayCertificate(keys.getPublic(), "dc2", Duration.ofHours(1)));
    AtomicInteger connected = new AtomicInteger();
    SslContext tls = clientTls();
    TunnelClient tunnels =
        TunnelClient.start(
            new TunnelClientConfig(
                List.of("127.0.0.1:" + relay.port()),
                () -> tls,
                (stream, info) -> stream.close(),
                new TunnelListener() {
                  @Override
                  public void connected(String relayAddress) {
                    connected.incrementAndGet();
                  }

                  @Override
                  public void disconnected(String relayAddress) {}
                },
                group,
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofSeconds(30)));
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> relay.closedAfterHandshake.get() >= 2);

      assertThat(tunnels.connectedRelays()).isEmpty();
      assertThat(connected.get()).isZero();
      assertThat(relay.received).as("no HTTP/2 preface, no SETTINGS").isEmpty();
    } finally {
      tunnels.close();
    }
  }

  @Test
  void theRefusalSaysWhatThePeerIs() {
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", 7443);

    assertThat(RelayIdentityCheck.refusal(address, java.util.Optional.empty()))
        .isEqualTo("127.0.0.1:7443 is not a kpam relay: its certificate carries no kpam identity");
  }

  private java.util.concurrent.CompletableFuture<Channel> dial() {
    return new RelayDialer()
        .dial(group, new InetSocketAddress("127.0.0.1", relay.port()), clientTls())
        .toCompletableFuture();
  }

  private SslContext clientTls() {
    X509Certificate certificate =
        ca.issueGatewayCertificate(clientKeys.getPublic(), "dc1", Duration.ofHours(1));
    return TlsContexts.client(clientKeys.getPrivate(), List.of(certificate), ca.chain(), false);
  }

  /**
   * A TLS server of the kpam CA that answers a dialer's hello with {@code KPAM/1 OK} and records
   * what it received and which connections closed after a completed handshake.
   */
  final class FakeRelay implements AutoCloseable {
    final List<String> received = new CopyOnWriteArrayList<>();
    final AtomicInteger closedAfterHandshake = new AtomicInteger();
    private Channel listener;

    void start(KeyPair keys, X509Certificate certificate) {
      SslContext tls =
          TlsContexts.server(
              keys.getPrivate(), List.of(certificate), ca.chain(), ClientAuth.REQUIRE, false);
      listener =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline().addLast(tls.newHandler(ch.alloc()), new Recorder());
                    }
                  })
              .bind("127.0.0.1", 0)
              .syncUninterruptibly()
              .channel();
    }

    int port() {
      return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
      if (listener != null) {
        listener.close().syncUninterruptibly();
      }
    }

    private final class Recorder extends ChannelInboundHandlerAdapter {
      private boolean handshaken;

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess()) {
          handshaken = true;
        }
        ctx.fireUserEventTriggered(evt);
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        try {
          String text = bytes.toString(java.nio.charset.StandardCharsets.US_ASCII);
          received.add(text);
          if (text.equals(RelayWire.HELLO)) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(RelayWire.ok()));
          }
        } finally {
          bytes.release();
        }
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        if (handshaken) {
          closedAfterHandshake.incrementAndGet();
        }
        ctx.fireChannelInactive();
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
      }
    }
  }
}
