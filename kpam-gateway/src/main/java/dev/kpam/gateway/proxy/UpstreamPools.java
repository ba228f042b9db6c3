package dev.kpam.gateway.proxy;

import dev.kpam.crypto.pki.Pem;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.ChannelPoolHandler;
import io.netty.channel.pool.SimpleChannelPool;
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
 * Keep-alive HTTPS connections to API servers: one pool per target and event loop, so that both
 * legs of a proxied request run on one thread; dedicated connections for upgrades (exec, attach,
 * port-forward), which never go back to a pool; HTTP/2 streams for requests that last (watches,
 * {@code logs -f}; {@link MultiplexedUpstreams}). The pools bound how many idle connections they
 * keep, never how many requests run at once: watches and {@code logs -f} hold their connection for
 * as long as they last, and a cap on those would fail every request past it.
 *
 * <pre>{@code
 * UpstreamPools pools = new UpstreamPools(32);   // at most 32 idle per API server and loop
 * pools.acquire(target, channel.eventLoop()).addListener(...); pools.close();
 * }</pre>
 */
public final class UpstreamPools implements AutoCloseable {
  static final String TLS = "upstream-tls";
  static final String HTTP = "upstream-http";
  private static final int MAX_HEADER_SIZE = 64 * 1024;

  /** Response bodies pass on in pieces of at most this size: fewer, larger writes downstream. */
  private static final int MAX_BODY_PIECE = 64 * 1024;

  private final int maxIdlePerTarget;
  private final ConcurrentMap<PoolKey, KeepAlivePool> pools = new ConcurrentHashMap<>();
  private final ConcurrentMap<UpstreamTarget, SslContext> contexts = new ConcurrentHashMap<>();
  private final ConcurrentMap<UpstreamTarget, SslContext> http2Contexts = new ConcurrentHashMap<>();
  private final MultiplexedUpstreams streams =
      new MultiplexedUpstreams(
          target ->
              http2Contexts.computeIfAbsent(
                  target,
                  t ->
                      clientContext(
                          t, ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)),
          this::bootstrap,
          this::acquire);
  private volatile boolean closed;

  /** {@code maxIdlePerTarget}: idle keep-alive connections kept per API server and event loop. */
  public UpstreamPools(int maxIdlePerTarget) {
    if (maxIdlePerTarget < 1) {
      throw new IllegalArgumentException(
          "maxIdlePerTarget: " + maxIdlePerTarget + " (expected: at least 1)");
    }
    this.maxIdlePerTarget = maxIdlePerTarget;
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

  /**
   * For a request that lasts (a watch, {@code logs -f}): a stream of a shared HTTP/2 connection, or
   * a pooled connection when the API server speaks HTTP/1.1 only; a stream is never released, only
   * closed. Completes on {@code loop}.
   */
  Future<Channel> acquireLasting(UpstreamTarget target, EventLoop loop) {
    if (closed) {
      return loop.newFailedFuture(new IllegalStateException("upstream pools are closed"));
    }
    return streams.open(target, loop);
  }

  void release(UpstreamTarget target, Channel channel) {
    KeepAlivePool pool = pools.get(new PoolKey(target, channel.eventLoop()));
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

  private KeepAlivePool newPool(PoolKey key) {
    return new KeepAlivePool(
        bootstrap(key.target(), key.loop()),
        new AbstractChannelPoolHandler() {
          @Override
          public void channelCreated(Channel ch) {
            install(key.target(), ch);
          }
        },
        maxIdlePerTarget);
  }

  /**
   * A pool that creates a connection whenever none is idle and keeps at most {@code maxIdle} idle
   * ones; a connection given back beyond that is closed. All calls for one pool run on its event
   * loop.
   */
  private static final class KeepAlivePool extends SimpleChannelPool {
    private final int maxIdle;
    private int idle;

    KeepAlivePool(Bootstrap bootstrap, ChannelPoolHandler handler, int maxIdle) {
      super(bootstrap, handler, ChannelHealthChecker.ACTIVE, true, true);
      this.maxIdle = maxIdle;
    }

    @Override
    protected Channel pollChannel() {
      Channel channel = super.pollChannel();
      if (channel != null) {
        idle--;
      }
      return channel;
    }

    @Override
    protected boolean offerChannel(Channel channel) {
      if (idle >= maxIdle || !super.offerChannel(channel)) {
        return false;
      }
      idle++;
      return true;
    }
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
    SslContext context =
        contexts.computeIfAbsent(target, t -> clientContext(t, ApplicationProtocolNames.HTTP_1_1));
    SslHandler ssl = context.newHandler(ch.alloc(), target.verifiedName(), target.port());
    ch.pipeline().addLast(TLS, ssl);
    ch.pipeline().addLast(HTTP, new HttpClientCodec(4096, MAX_HEADER_SIZE, MAX_BODY_PIECE));
  }

  /**
   * TLS to {@code target} offering {@code protocols} in ALPN: HTTP/1.1 only for the pools and
   * upgrades (SPDY and WebSocket upgrades cannot cross HTTP/2, NOTES.md), h2 first for streams.
   */
  static SslContext clientContext(UpstreamTarget target, String... protocols) {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forClient()
              .protocols("TLSv1.3", "TLSv1.2")
              .applicationProtocolConfig(
                  new ApplicationProtocolConfig(
                      ApplicationProtocolConfig.Protocol.ALPN,
                      ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                      ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                      protocols));
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
    streams.close();
    pools.values().forEach(KeepAlivePool::closeAsync);
    pools.clear();
  }

  private record PoolKey(UpstreamTarget target, EventLoop loop) {}
}
