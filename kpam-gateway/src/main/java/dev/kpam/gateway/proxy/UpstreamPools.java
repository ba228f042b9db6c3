package dev.kpam.gateway.proxy;

import dev.kpam.crypto.pki.Pem;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.Future;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.SSLException;

/**
 * Keep-alive HTTPS connections to API servers: one {@link FixedChannelPool} per target and event
 * loop, so that both legs of a proxied request run on one thread; dedicated connections for
 * upgrades (exec, attach, port-forward), which never go back to a pool.
 *
 * <pre>{@code
 * UpstreamPools pools = new UpstreamPools(32);
 * pools.acquire(target, channel.eventLoop()).addListener(...); pools.close();
 * }</pre>
 */
public final class UpstreamPools implements AutoCloseable {
  static final String TLS = "upstream-tls";
  static final String HTTP = "upstream-http";
  private static final int MAX_HEADER_SIZE = 64 * 1024;

  private final int maxConnectionsPerTarget;
  private final ConcurrentMap<PoolKey, FixedChannelPool> pools = new ConcurrentHashMap<>();
  private final ConcurrentMap<UpstreamTarget, SslContext> contexts = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public UpstreamPools(int maxConnectionsPerTarget) {
    if (maxConnectionsPerTarget < 1) {
      throw new IllegalArgumentException(
          "maxConnectionsPerTarget: " + maxConnectionsPerTarget + " (expected: at least 1)");
    }
    this.maxConnectionsPerTarget = maxConnectionsPerTarget;
  }

  /** A pooled connection; give it back with {@link #release}. Completes on {@code loop}. */
  Future<Channel> acquire(UpstreamTarget target, EventLoop loop) {
    if (closed) {
      return loop.newFailedFuture(new IllegalStateException("upstream pools are closed"));
    }
    return pools
        .computeIfAbsent(new PoolKey(target, loop), this::newPool)
        .acquire(loop.newPromise());
  }

  void release(UpstreamTarget target, Channel channel) {
    FixedChannelPool pool = pools.get(new PoolKey(target, channel.eventLoop()));
    if (pool == null) {
      channel.close();
    } else {
      pool.release(channel);
    }
  }

  /** A connection of its own, for a request that may switch protocols. */
  Future<Channel> connectDedicated(UpstreamTarget target, EventLoop loop) {
    Bootstrap bootstrap = bootstrap(target, loop);
    io.netty.util.concurrent.Promise<Channel> promise = loop.newPromise();
    bootstrap
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                install(target, ch);
              }
            })
        .connect()
        .addListener(
            f -> {
              if (f.isSuccess()) {
                promise.setSuccess(((io.netty.channel.ChannelFuture) f).channel());
              } else {
                promise.setFailure(f.cause());
              }
            });
    return promise;
  }

  private FixedChannelPool newPool(PoolKey key) {
    return new FixedChannelPool(
        bootstrap(key.target(), key.loop()),
        new AbstractChannelPoolHandler() {
          @Override
          public void channelCreated(Channel ch) {
            install(key.target(), ch);
          }
        },
        ChannelHealthChecker.ACTIVE,
        FixedChannelPool.AcquireTimeoutAction.FAIL,
        30_000,
        maxConnectionsPerTarget,
        1024,
        true,
        true);
  }

  private Bootstrap bootstrap(UpstreamTarget target, EventLoop loop) {
    return new Bootstrap()
        .group(loop)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
        .remoteAddress(target.host(), target.port());
  }

  private void install(UpstreamTarget target, Channel ch) {
    SslContext context = contexts.computeIfAbsent(target, UpstreamPools::clientContext);
    SslHandler ssl = context.newHandler(ch.alloc(), target.verifiedName(), target.port());
    ch.pipeline().addLast(TLS, ssl);
    ch.pipeline().addLast(HTTP, new HttpClientCodec(4096, MAX_HEADER_SIZE, 8192));
  }

  static SslContext clientContext(UpstreamTarget target) {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forClient()
              .protocols("TLSv1.3", "TLSv1.2")
              // HTTP/1.1 only: SPDY and WebSocket upgrades cannot cross HTTP/2 (NOTES.md).
              .applicationProtocolConfig(
                  new ApplicationProtocolConfig(
                      ApplicationProtocolConfig.Protocol.ALPN,
                      ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                      ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                      ApplicationProtocolNames.HTTP_1_1));
      if (target.insecureSkipTlsVerify()) {
        builder
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .endpointIdentificationAlgorithm(null);
      } else {
        if (target.caCert() != null) {
          List<X509Certificate> cas = Pem.parseCertificates(target.caCert());
          builder.trustManager(cas);
        }
        builder.endpointIdentificationAlgorithm("HTTPS");
      }
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalStateException("TLS options of " + target.url() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    closed = true;
    pools.values().forEach(FixedChannelPool::closeAsync);
    pools.clear();
  }

  private record PoolKey(UpstreamTarget target, EventLoop loop) {}
}
