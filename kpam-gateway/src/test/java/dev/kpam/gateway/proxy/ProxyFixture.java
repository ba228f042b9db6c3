package dev.kpam.gateway.proxy;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.gateway.record.SessionRecording;
import dev.kpam.gateway.session.SessionDirectory;
import dev.kpam.protocol.policy.KubePolicy;
import dev.kpam.protocol.sessions.SessionLookup;
import dev.kpam.transport.tls.TlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A gateway proxy without a relay: a TLS listener on port 0 whose accepted connections go through
 * {@link KubeProxy#serve}, and clients holding a session certificate for it.
 */
final class ProxyFixture implements AutoCloseable {
  static final String GATEWAY_ID = "gw-1";
  final Clock clock = Clock.systemUTC();
  final CertificateAuthority ca = CertificateAuthority.create("kpam test CA", clock);
  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  final UpstreamPools pools = new UpstreamPools(8);
  final SessionConnections connections;
  final Channel listener;

  ProxyFixture(String sessionId, Function<String, CompletionStage<SessionLookup>> lookups) {
    this(sessionId, lookups, SessionRecording.NONE);
  }

  /** A proxy whose exchanges are recorded to {@code recording}. */
  ProxyFixture(
      String sessionId,
      Function<String, CompletionStage<SessionLookup>> lookups,
      SessionRecording recording) {
    connections = new SessionConnections(recording);
    KeyPair gatewayKey = KeyPairs.generateEcP256();
    X509Certificate gatewayCert =
        ca.issueGatewayCertificate(gatewayKey.getPublic(), GATEWAY_ID, Duration.ofHours(1));
    SslContext innerTls =
        TlsContexts.server(
            gatewayKey.getPrivate(), List.of(gatewayCert), ca.chain(), ClientAuth.REQUIRE, true);
    SessionDirectory directory =
        new SessionDirectory() {
          @Override
          public CompletionStage<SessionLookup> lookup(String id) {
            // Completes on another thread, as the real directory does.
            return CompletableFuture.supplyAsync(() -> id).thenCompose(lookups);
          }

          @Override
          public void invalidate(String id) {}

          @Override
          public void invalidateAll() {}
        };
    KubeProxy proxy =
        new KubeProxy(
            GATEWAY_ID,
            () -> innerTls,
            directory,
            pools,
            connections,
            StreamTap.Factory.NONE,
            recording,
            clock);
    listener =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    proxy.serve(ch, sessionId);
                  }
                })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
  }

  static SessionLookup lookup(
      String sessionId, String url, String caCert, String token, Instant expiresAt) {
    return lookup(sessionId, url, caCert, token, expiresAt, "fail-closed");
  }

  static SessionLookup lookup(
      String sessionId,
      String url,
      String caCert,
      String token,
      Instant expiresAt,
      String recordingFailurePolicy) {
    return new SessionLookup(
        sessionId,
        "alice",
        "ACTIVE",
        expiresAt,
        "prod",
        url,
        caCert,
        null,
        false,
        "admin",
        token,
        false,
        recordingFailurePolicy,
        null);
  }

  /** {@code lookup} with the account's Kubernetes policy. */
  static SessionLookup withPolicy(SessionLookup lookup, KubePolicy policy) {
    return new SessionLookup(
        lookup.sessionId(),
        lookup.user(),
        lookup.status(),
        lookup.expiresAt(),
        lookup.resource(),
        lookup.url(),
        lookup.caCert(),
        lookup.serverName(),
        lookup.insecureSkipTlsVerify(),
        lookup.account(),
        lookup.token(),
        lookup.recordStdin(),
        lookup.recordingFailurePolicy(),
        policy);
  }

  /** Client TLS with a session certificate for {@code sessionId} through {@code gatewayId}. */
  SslContext sessionTls(String sessionId, String gatewayId) {
    KeyPair key = KeyPairs.generateEcP256();
    X509Certificate cert =
        ca.issueSessionCertificate(
            key.getPublic(), sessionId, gatewayId, clock.instant().plus(Duration.ofHours(1)));
    return TlsContexts.client(key.getPrivate(), List.of(cert), ca.chain(), true);
  }

  Channel connect(ChannelHandler initializer) {
    return new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(initializer)
        .connect(listener.localAddress())
        .syncUninterruptibly()
        .channel();
  }

  /**
   * Connects as kubectl's side of the inner TLS would: {@code tls}, an HTTP/1.1 client codec, then
   * {@code handlers} in order.
   */
  Channel connectHttp(SslContext tls, ChannelHandler... handlers) {
    return connect(
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(tls.newHandler(ch.alloc())).addLast(new HttpClientCodec());
            ch.pipeline().addLast(handlers);
          }
        });
  }

  int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    pools.close();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
