package dev.kpam.cli.access;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * kubectl's end of a session: HTTPS on 127.0.0.1 with the session's local certificate; every
 * request is checked for the local token and forwarded over a keep-alive connection to the gateway
 * from the session's {@link GatewayPools}, a few of which are dialed as soon as it listens. Owns
 * its event loop group; {@link #close()} closes every connection and waits at most a few seconds.
 */
final class LocalProxy implements AutoCloseable {
  private static final int THREADS = 2;

  /** Gateway connections dialed when the proxy starts. */
  static final int WARM_CONNECTIONS = THREADS * GatewayPool.WARM;

  private final EventLoopGroup group;
  private final Channel server;
  private final ChannelGroup connections;
  private final Upstream upstream;

  private LocalProxy(
      EventLoopGroup group, Channel server, ChannelGroup connections, Upstream upstream) {
    this.group = group;
    this.server = server;
    this.connections = connections;
    this.upstream = upstream;
  }

  /**
   * Listens on 127.0.0.1:{@code port} (0: any free port).
   *
   * @throws IllegalStateException if the port cannot be bound
   */
  static LocalProxy start(int port, SslContext localTls, String token, Upstream upstream) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(THREADS, NioIoHandler.newFactory());
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    GatewayPools pools = new GatewayPools(upstream);
    try {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.AUTO_READ, false)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      connections.add(ch);
                      ch.pipeline()
                          .addLast("tls", localTls.newHandler(ch.alloc()))
                          .addLast(
                              "http",
                              new HttpServerCodec(
                                  RequestForwarder.MAX_HEADER_SIZE,
                                  RequestForwarder.MAX_HEADER_SIZE,
                                  8192))
                          .addLast("token-check", new LocalTokenCheck(token))
                          .addLast("request-forwarder", new RequestForwarder(pools));
                    }
                  })
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
              .syncUninterruptibly()
              .channel();
      group.forEach(loop -> pools.on((EventLoop) loop).warm(GatewayPool.WARM));
      return new LocalProxy(group, server, connections, upstream);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException(
          "cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /**
   * Stops listening at once, then gives open connections up to {@code grace} to end by themselves
   * before closing them: when the session ended elsewhere, the gateway is closing them too, and an
   * exec stream should get the gateway's Status ("... has expired") rather than a cut connection.
   */
  void closeAfter(Duration grace) {
    server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    connections.newCloseFuture().awaitUninterruptibly(grace.toMillis());
    close();
  }

  /**
   * Opens one upstream connection and closes it again: fails as a real connection of kubectl would,
   * e.g. with the relay's refusal of a session that is over.
   */
  CompletionStage<Void> probe() {
    return upstream.open(group.next()).thenAccept(Channel::close);
  }

  /** Stops listening and closes every connection; idempotent. */
  @Override
  public void close() {
    server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
