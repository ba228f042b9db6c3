package dev.kpam.gateway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * HTTP/2 connections to API servers for requests that last (watches, {@code logs -f}): each such
 * request is a stream of a shared connection, so idle watches cost the gateway a stream each, not a
 * TLS connection and a descriptor each. Per API server and event loop (both legs of a request on
 * one thread) there are as many connections as the server's {@code SETTINGS_MAX_CONCURRENT_STREAMS}
 * needs. A stream's pipeline turns HTTP/2 frames into the HTTP/1.1 objects that {@link
 * UpstreamForwarder} handles, and its auto-read is off, so a client that reads slowly holds back
 * its own stream's window and nobody else's. A server that does not take {@code h2} in ALPN gets
 * HTTP/1.1 connections of the pool instead, from then on.
 *
 * <pre>{@code
 * MultiplexedUpstreams streams = new MultiplexedUpstreams(contexts, bootstraps, pools::acquire);
 * streams.open(target, channel.eventLoop()).addListener(...); // an Http2StreamChannel, or pooled
 * }</pre>
 */
final class MultiplexedUpstreams implements AutoCloseable {
  /** Each stream's window: what a stalled watch may leave unread at the gateway. */
  private static final int STREAM_WINDOW = 256 * 1024;

  /**
   * The connection's window. It is shared by all streams: when clients that do not read have filled
   * it, every stream of the connection waits, so it is the stream window times the streams that may
   * stall at once (a gateway buffers at most this per connection).
   */
  private static final int CONNECTION_WINDOW = 128 * STREAM_WINDOW;

  /** How long a new connection may take to send its SETTINGS before its requests fail. */
  private static final Duration SETTINGS_TIMEOUT = Duration.ofSeconds(10);

  private final Function<UpstreamTarget, SslContext> contexts;
  private final BiFunction<UpstreamTarget, EventLoop, Bootstrap> bootstraps;
  private final BiFunction<UpstreamTarget, EventLoop, Future<Channel>> http1;
  private final ConcurrentMap<Key, Connections> byKey = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * {@code contexts}: the TLS context per target, offering {@code h2} and {@code http/1.1}; {@code
   * bootstraps}: a bootstrap to the target on the loop; {@code http1}: where a request goes when
   * the server speaks HTTP/1.1 only.
   */
  MultiplexedUpstreams(
      Function<UpstreamTarget, SslContext> contexts,
      BiFunction<UpstreamTarget, EventLoop, Bootstrap> bootstraps,
      BiFunction<UpstreamTarget, EventLoop, Future<Channel>> http1) {
    this.contexts = contexts;
    this.bootstraps = bootstraps;
    this.http1 = http1;
  }

  /**
   * A new stream to {@code target} whose pipeline reads and writes HTTP/1.1 objects, or a pooled
   * HTTP/1.1 connection when the server has no HTTP/2. Completes on {@code loop}.
   */
  Future<Channel> open(UpstreamTarget target, EventLoop loop) {
    Promise<Channel> promise = loop.newPromise();
    if (closed) {
      return promise.setFailure(new IllegalStateException("upstream connections are closed"));
    }
    Connections connections = byKey.computeIfAbsent(new Key(target, loop), Connections::new);
    if (loop.inEventLoop()) {
      connections.open(promise);
    } else {
      loop.execute(() -> connections.open(promise));
    }
    return promise;
  }

  /** Whether {@code channel} is a stream of a shared connection (never given back to a pool). */
  static boolean isStream(Channel channel) {
    return channel instanceof Http2StreamChannel;
  }

  /** The TLS handler of {@code upstream}: its own, or its connection's for a stream. */
  static SslHandler tls(Channel upstream) {
    Channel connection = isStream(upstream) ? upstream.parent() : upstream;
    return connection.pipeline().get(SslHandler.class);
  }

  @Override
  public void close() {
    closed = true;
    byKey.values().forEach(c -> c.key.loop().execute(c::closeAll));
    byKey.clear();
  }

  private record Key(UpstreamTarget target, EventLoop loop) {}

  /** The HTTP/2 connections of one target and loop; touched only on that loop. */
  private final class Connections {
    private final Key key;
    private final List<Shared> ready = new ArrayList<>();
    private final List<Promise<Channel>> waiting = new ArrayList<>();
    private boolean connecting;
    private boolean http1Only;

    Connections(Key key) {
      this.key = key;
    }

    void open(Promise<Channel> promise) {
      if (http1Only) {
        bridge(http1.apply(key.target(), key.loop()), promise);
        return;
      }
      for (Shared shared : ready) {
        if (shared.hasRoom()) {
          shared.openStream(promise);
          return;
        }
      }
      waiting.add(promise);
      if (!connecting) {
        connect();
      }
    }

    private void connect() {
      connecting = true;
      SslContext context = contexts.apply(key.target());
      Attempt attempt = new Attempt();
      Bootstrap bootstrap =
          bootstraps
              .apply(key.target(), key.loop())
              .option(ChannelOption.AUTO_READ, true)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      UpstreamTarget target = key.target();
                      ch.pipeline()
                          .addLast(
                              UpstreamPools.TLS,
                              context.newHandler(ch.alloc(), target.verifiedName(), target.port()))
                          .addLast("upstream-alpn", new Negotiation(attempt));
                    }
                  });
      bootstrap
          .connect()
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (!f.isSuccess()) {
                      attempt.failed(f.cause());
                      return;
                    }
                    Channel ch = f.channel();
                    ch.closeFuture()
                        .addListener(
                            c -> {
                              ready.remove(attempt.shared);
                              attempt.failed(
                                  new IllegalStateException(
                                      "the API server closed the connection"));
                            });
                    ch.eventLoop()
                        .schedule(
                            () -> {
                              if (!attempt.done) {
                                attempt.failed(
                                    new IllegalStateException(
                                        "the API server sent no HTTP/2 settings within "
                                            + SETTINGS_TIMEOUT.toSeconds()
                                            + " s"));
                                ch.close();
                              }
                            },
                            SETTINGS_TIMEOUT.toMillis(),
                            TimeUnit.MILLISECONDS);
                  });
    }

    /**
     * One connection being made: it ends once, when the server's first SETTINGS arrive, when the
     * server turns out to speak HTTP/1.1 only, or when connecting fails.
     */
    private final class Attempt {
      Shared shared;
      boolean done;

      void settled(Shared settled) {
        if (!done) {
          done = true;
          connecting = false;
          ready.add(settled);
          reopenWaiting();
        }
      }

      void http1Only() {
        if (!done) {
          done = true;
          connecting = false;
          Connections.this.http1Only = true;
          reopenWaiting();
        }
      }

      void failed(Throwable failure) {
        if (!done) {
          done = true;
          connecting = false;
          List<Promise<Channel>> all = List.copyOf(waiting);
          waiting.clear();
          all.forEach(p -> p.tryFailure(failure));
        }
      }

      private void reopenWaiting() {
        List<Promise<Channel>> all = List.copyOf(waiting);
        waiting.clear();
        all.forEach(Connections.this::open);
      }
    }

    /**
     * Sets the connection up for the protocol the server chose in ALPN. Bytes that arrive with the
     * end of the handshake (the server's SETTINGS) wait in it until the HTTP/2 codec is in place.
     */
    private final class Negotiation extends ApplicationProtocolNegotiationHandler {
      private final Attempt attempt;

      Negotiation(Attempt attempt) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.attempt = attempt;
      }

      @Override
      protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        Channel ch = ctx.channel();
        if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
          attempt.http1Only();
          ch.close();
          return;
        }
        Http2FrameCodec codec =
            Http2FrameCodecBuilder.forClient()
                .initialSettings(
                    Http2Settings.defaultSettings()
                        .pushEnabled(false)
                        .initialWindowSize(STREAM_WINDOW))
                .build();
        Shared shared = new Shared(ch, codec, attempt);
        attempt.shared = shared;
        ctx.pipeline()
            .addLast("upstream-http2", codec)
            .addLast("upstream-streams", new Http2MultiplexHandler(new RefuseServerStreams()))
            .addLast("upstream-settings", shared);
        try {
          Http2Connection connection = codec.connection();
          connection
              .local()
              .flowController()
              .incrementWindowSize(
                  connection.connectionStream(),
                  CONNECTION_WINDOW - Http2CodecUtil.DEFAULT_WINDOW_SIZE);
        } catch (Http2Exception e) {
          attempt.failed(e);
          ch.close();
          return;
        }
        ch.flush();
      }

      @Override
      protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        attempt.failed(cause);
        ctx.close();
      }
    }

    void closeAll() {
      List.copyOf(ready).forEach(s -> s.channel.close());
      waiting.forEach(p -> p.tryFailure(new IllegalStateException("upstream connections closed")));
      waiting.clear();
    }

    /** One HTTP/2 connection, and the streams kpam opened on it. */
    private final class Shared extends ChannelInboundHandlerAdapter {
      final Channel channel;
      final Http2FrameCodec codec;
      final Attempt attempt;
      int streams;
      boolean goingAway;

      Shared(Channel channel, Http2FrameCodec codec, Attempt attempt) {
        this.channel = channel;
        this.codec = codec;
        this.attempt = attempt;
      }

      boolean hasRoom() {
        return channel.isActive()
            && !goingAway
            && streams < codec.connection().local().maxActiveStreams();
      }

      void openStream(Promise<Channel> promise) {
        streams++;
        new Http2StreamChannelBootstrap(channel)
            .option(ChannelOption.AUTO_READ, false)
            .handler(
                new ChannelInitializer<Http2StreamChannel>() {
                  @Override
                  protected void initChannel(Http2StreamChannel stream) {
                    stream
                        .pipeline()
                        .addLast(UpstreamPools.HTTP, new Http2StreamFrameToHttpObjectCodec(false));
                  }
                })
            .open()
            .addListener(
                f -> {
                  if (f.isSuccess()) {
                    Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
                    stream.closeFuture().addListener(c -> streams--);
                    if (!promise.trySuccess(stream)) {
                      stream.close();
                    }
                  } else {
                    streams--;
                    promise.tryFailure(f.cause());
                  }
                });
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2SettingsFrame) {
          attempt.settled(this);
        } else if (msg instanceof Http2GoAwayFrame) {
          goingAway = true; // open streams finish; new ones go to another connection
          ready.remove(this);
        }
        ReferenceCountUtil.release(msg);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
      }
    }
  }

  /** The API server opens no streams towards the gateway (push is off): any it tries is reset. */
  private static final class RefuseServerStreams extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.close();
    }

    @Override
    public boolean isSharable() {
      return true;
    }
  }

  private static void bridge(Future<Channel> from, Promise<Channel> to) {
    from.addListener(
        f -> {
          if (f.isSuccess()) {
            if (!to.trySuccess(from.getNow())) {
              from.getNow().close();
            }
          } else {
            to.tryFailure(f.cause());
          }
        });
  }
}
