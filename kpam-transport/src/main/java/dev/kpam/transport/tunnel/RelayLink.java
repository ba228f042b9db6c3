package dev.kpam.transport.tunnel;

import dev.kpam.transport.net.HostPort;
import dev.kpam.transport.tls.RelayIdentityCheck;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tunnel to one relay: dials, keeps it up, and dials again after a jittered backoff when it
 * drops. All state changes run on {@link #loop}; {@link #connected} and {@link #closed} are read
 * from other threads.
 */
final class RelayLink {
  private static final Logger log = LoggerFactory.getLogger(RelayLink.class);
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  /** Streams one tunnel may carry at once: every open kubectl connection of every session. */
  private static final long MAX_CONCURRENT_STREAMS = 100_000;

  private final String address;
  private final InetSocketAddress target;
  private final TunnelClientConfig config;
  private final EventLoop loop;
  private final Backoff backoff;
  private volatile boolean connected;
  private volatile boolean closed;
  private Channel channel;
  private ScheduledFuture<?> retry;

  RelayLink(String address, TunnelClientConfig config) {
    this.address = address;
    this.target = HostPort.parse("relay address", address);
    this.config = config;
    this.loop = config.group().next();
    this.backoff =
        new Backoff(
            config.initialBackoff(),
            config.maxBackoff(),
            () -> ThreadLocalRandom.current().nextDouble());
  }

  String address() {
    return address;
  }

  boolean isConnected() {
    return connected;
  }

  boolean inEventLoop() {
    return loop.inEventLoop();
  }

  void start() {
    loop.execute(this::dial);
  }

  /** Stops dialing and closes the tunnel; completes when the tunnel channel is closed. */
  io.netty.util.concurrent.Future<?> close() {
    io.netty.util.concurrent.Promise<Void> done = loop.newPromise();
    loop.execute(
        () -> {
          closed = true;
          if (retry != null) {
            retry.cancel(false);
          }
          if (channel == null) {
            done.setSuccess(null);
          } else {
            channel.close().addListener(f -> done.trySuccess(null));
          }
        });
    return done;
  }

  /**
   * Stops dialing and sends the relay a GOAWAY: it opens no new stream on the tunnel (new sessions'
   * connections go to other instances), while the streams open on it go on until {@link #close}.
   */
  void drain() {
    loop.execute(
        () -> {
          closed = true;
          if (retry != null) {
            retry.cancel(false);
          }
          if (channel != null && connected) {
            channel.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
          }
        });
  }

  private void dial() {
    if (closed) {
      return;
    }
    SslContext tls;
    try {
      tls = config.tls().get();
    } catch (RuntimeException e) {
      log.warn("no TLS context to dial relay {}: {}", address, e.toString());
      scheduleRetry();
      return;
    }
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            "tls",
                            tls.newHandler(ch.alloc(), target.getHostString(), target.getPort()))
                        .addLast(RelayIdentityCheck.NAME, new RelayIdentityCheck())
                        .addLast("silent-tunnel-closer", new SilentTunnelCloser(config.deadAfter()))
                        .addLast("tunnel-up", new TunnelUp());
                  }
                });
    ChannelFuture connecting =
        bootstrap.connect(new InetSocketAddress(target.getHostString(), target.getPort()));
    channel = connecting.channel();
    channel.closeFuture().addListener((ChannelFutureListener) f -> onClosed());
    connecting.addListener(
        (ChannelFutureListener)
            f -> {
              if (!f.isSuccess()) {
                log.debug("cannot connect to relay {}: {}", address, f.cause().toString());
              }
            });
  }

  private void onClosed() {
    channel = null;
    if (connected) {
      connected = false;
      log.info("tunnel to relay {} closed", address);
      config.listener().disconnected(address);
    }
    scheduleRetry();
  }

  private void scheduleRetry() {
    if (closed) {
      return;
    }
    Duration delay = backoff.next();
    log.debug("dialing relay {} again in {}", address, delay);
    retry = loop.schedule(this::dial, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Marks the tunnel up once TLS is established. */
  private final class TunnelUp extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent) {
        SslHandshakeCompletionEvent handshake = (SslHandshakeCompletionEvent) evt;
        if (handshake.isSuccess()) {
          connected = true;
          backoff.reset();
          // HTTP/2 starts only now: its preface and window update must not race the handshake.
          ctx.pipeline()
              .addAfter(
                  ctx.name(),
                  "h2",
                  Http2FrameCodecBuilder.forServer()
                      .initialSettings(
                          TunnelWindows.settings().maxConcurrentStreams(MAX_CONCURRENT_STREAMS))
                      // Netty's server default closes the connection after 200 RST_STREAMs in
                      // 30 s either way (rapid-reset protection). Here the gateway serves the
                      // authenticated relay, and every kubectl connection that ends, or that a
                      // revocation ends, resets its stream: the limit would take the tunnel, and
                      // every session on it, down. The relay bounds connections at its edge.
                      .decoderEnforceMaxRstFramesPerWindow(0, 0)
                      .encoderEnforceMaxRstFramesPerWindow(0, 0)
                      .build())
              .addAfter("h2", "h2-streams", new Http2MultiplexHandler(new StreamInitializer()))
              .addAfter("h2-streams", "relay-goaway", new RelayGoAway());
          TunnelWindows.widenConnectionWindow(ctx.channel());
          log.info("tunnel to relay {} up", address);
          config.listener().connected(address);
        } else {
          log.warn("TLS with relay {} failed: {}", address, handshake.cause().toString());
        }
      }
      ctx.fireUserEventTriggered(evt);
    }
  }

  /**
   * A GOAWAY from the relay: it is stopping (docs/OPERATIONS.md §5). The tunnel is marked, so that
   * the connections on it close once idle, and is kept: the relay closes it when they have ended or
   * its drain timeout is over; then it is dialed again as after any close.
   */
  private final class RelayGoAway extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2GoAwayFrame goAway) {
        goAway.release();
        if (ctx.channel().attr(TunnelClient.RELAY_DRAINING).setIfAbsent(true) == null) {
          log.info("relay {} is stopping: the connections it carries close once idle", address);
          config.listener().relayDraining(address, ctx.channel());
        }
        return;
      }
      ctx.fireChannelRead(msg);
    }
  }

  private final class StreamInitializer extends ChannelInitializer<Http2StreamChannel> {
    @Override
    protected void initChannel(Http2StreamChannel stream) {
      stream.config().setAutoRead(false);
      stream.pipeline().addLast("accept", new TunnelStreamAcceptor(config.handler(), address));
    }
  }
}
