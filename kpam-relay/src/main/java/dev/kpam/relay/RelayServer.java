package dev.kpam.relay;

import dev.kpam.transport.ops.Drain;
import dev.kpam.transport.tls.TlsContexts;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay (DATA-PLANE.md §1–2): a blind switch between clients and gateway tunnels. It accepts
 * TLS connections that present a certificate of the kpam CA; a gateway's becomes a tunnel of that
 * gateway (several per gateway, used round robin), a session's is spliced onto a new stream of a
 * tunnel of its gateway once the {@link SessionGate} agrees. It never reads the bytes it relays.
 *
 * <pre>{@code
 * try (RelayServer relay = RelayServer.start(config)) {
 *   log.info("relay on port {}, gateways {}", relay.port(), relay.connectedGateways()); }
 * }</pre>
 */
public final class RelayServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RelayServer.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final Channel listener;
  private final TunnelRegistry tunnels;
  private final ChannelGroup connections;
  private final ChannelGroup clients;
  private final RenewableTls tls;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean draining;

  private RelayServer(
      EventLoopGroup acceptor,
      EventLoopGroup workers,
      Channel listener,
      TunnelRegistry tunnels,
      ChannelGroup connections,
      ChannelGroup clients,
      RenewableTls tls) {
    this.acceptor = acceptor;
    this.workers = workers;
    this.listener = listener;
    this.tunnels = tunnels;
    this.connections = connections;
    this.clients = clients;
    this.tls = tls;
  }

  /**
   * Binds and starts the relay.
   *
   * @throws IllegalStateException if the address cannot be bound
   */
  public static RelayServer start(RelayConfig config) {
    RenewableTls tls =
        new RenewableTls(serverTls(config.serverKey(), config.serverChain(), config.trustedCas()));
    TunnelRegistry tunnels = new TunnelRegistry();
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    try {
      Channel listener =
          new ServerBootstrap()
              .group(acceptor, workers)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.AUTO_READ, false)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(new RelayWiring(tls, tunnels, config, connections, clients))
              .bind(config.bindHost(), config.port())
              .syncUninterruptibly()
              .channel();
      RelayServer relay =
          new RelayServer(acceptor, workers, listener, tunnels, connections, clients, tls);
      log.info("relay listening on {}", listener.localAddress());
      return relay;
    } catch (RuntimeException e) {
      acceptor.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IllegalStateException(
          "cannot listen on " + config.bindHost() + ":" + config.port() + ": " + e.getMessage(), e);
    }
  }

  /** The port the relay listens on (the chosen one when configured with 0). */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /**
   * Presents {@code chain} (leaf first, e.g. a renewed relay certificate) to every connection from
   * now on and trusts {@code trustedCas}; open tunnels and client connections are not disturbed.
   */
  public void useCertificate(
      PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustedCas) {
    tls.use(serverTls(key, chain, trustedCas));
  }

  private static SslContext serverTls(
      PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustedCas) {
    return TlsContexts.server(key, chain, trustedCas, ClientAuth.REQUIRE, false);
  }

  /**
   * Registers the relay's gauges on {@code registry}: tunnels, gateways with a tunnel, and open
   * connections (tunnels and client streams).
   */
  public void bindMetrics(MeterRegistry registry) {
    Gauge.builder(
            "kpam.relay.tunnels",
            tunnels,
            t -> t.counts().values().stream().mapToInt(Integer::intValue).sum())
        .description("Gateway tunnels at this relay")
        .register(registry);
    Gauge.builder("kpam.relay.gateways", tunnels, t -> t.counts().size())
        .description("Gateways with at least one tunnel at this relay")
        .register(registry);
    Gauge.builder("kpam.relay.connections", connections, ChannelGroup::size)
        .description("Open connections at this relay: tunnels and client streams")
        .register(registry);
  }

  /** Whether the relay still listens for clients and gateways. */
  public boolean listening() {
    return listener.isActive();
  }

  /** Gateway id → number of live tunnels, a snapshot. */
  public Map<String, Integer> connectedGateways() {
    return tunnels.counts();
  }

  /** Whether {@link #drain} has begun. */
  public boolean draining() {
    return draining;
  }

  /** The client connections it carries now. */
  public int clientConnections() {
    return clients.size();
  }

  /**
   * The relay stops taking work, as on SIGTERM before {@link #close}: it stops listening (clients
   * try the next relay, gateways dial again later), sends every gateway a GOAWAY on its tunnel (the
   * gateway then closes the connections of this relay once idle, and gives the others {@code
   * Connection: close}), and waits until the client connections have ended, {@code bound} at most.
   * The tunnels stay up meanwhile, so that what is under way finishes. Returns whether every client
   * connection ended within the bound.
   */
  public boolean drain(Duration bound) {
    draining = true;
    listener.close().awaitUninterruptibly(CLOSE_WAIT.toMillis());
    for (Channel tunnel : tunnels.all()) {
      tunnel.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
    }
    log.info(
        "stopping: no new connections; waiting up to {} for {} client connection(s)",
        bound,
        clients.size());
    if (!Drain.awaitUntil(clients::isEmpty, bound)) {
      log.info("drain timeout ({}): ending {} client connection(s)", bound, clients.size());
      return false;
    }
    return true;
  }

  /** Stops listening and closes every tunnel and client connection, waiting at most 5 s. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    listener.close().awaitUninterruptibly(CLOSE_WAIT.toMillis());
    // Gateways learn at once that this relay is gone (and redial), rather than when their tunnel
    // falls silent: the tunnels close before the event loops wind down.
    for (ChannelFuture closing : tunnels.closeAll()) {
      closing.awaitUninterruptibly(remaining(deadline), TimeUnit.NANOSECONDS);
    }
    // Then every client connection, while its event loop still runs: left to the splice, a close
    // could be a task on a loop already winding down, and the client's socket stayed open with
    // nobody reading (a local proxy's idle keep-alive connection then swallowed a request).
    connections.close().awaitUninterruptibly(remaining(deadline), TimeUnit.NANOSECONDS);
    acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    if (!acceptor
            .terminationFuture()
            .awaitUninterruptibly(remaining(deadline), TimeUnit.NANOSECONDS)
        || !workers
            .terminationFuture()
            .awaitUninterruptibly(remaining(deadline), TimeUnit.NANOSECONDS)) {
      log.warn("relay did not stop within {}", CLOSE_WAIT);
    }
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }
}
