package dev.kpam.transport.ops;

import dev.kpam.transport.net.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * What operators and Kubernetes probe on a kpam process, on a port of its own (plain HTTP, meant
 * for the pod network or loopback, never the internet): {@code GET /metrics} (Prometheus text),
 * {@code GET /livez} (the process answers: 200), {@code GET /readyz} (200 when it can do its work,
 * else 503, with why, as JSON). Anything else is a 404.
 *
 * <pre>{@code
 * OpsServer ops = OpsServer.start("0.0.0.0", 9090, metrics, () -> Readiness.of(tunnelUp, "no tunnel"));
 * }</pre>
 */
public final class OpsServer implements AutoCloseable {
  /** Whether the process can do its work now; {@code detail} says why not (or what it checked). */
  public record Readiness(boolean ready, String detail) {
    public static Readiness of(boolean ready, String whyNot) {
      return new Readiness(ready, ready ? "ready" : whyNot);
    }
  }

  private final EventLoopGroup group;
  private final EventExecutorGroup answers;
  private final Channel channel;

  private OpsServer(EventLoopGroup group, EventExecutorGroup answers, Channel channel) {
    this.group = group;
    this.answers = answers;
    this.channel = channel;
  }

  /**
   * Listens on {@code address}, {@code HOST:PORT} as the {@code --metrics-address} flags take it
   * ({@code 0.0.0.0:9090} for probes from the pod network, {@code 127.0.0.1:9090} for loopback).
   */
  public static OpsServer start(
      String address, ProcessMetrics metrics, Supplier<Readiness> readiness) {
    InetSocketAddress at = HostPort.parse("--metrics-address", address);
    return start(at.getHostString(), at.getPort(), metrics, readiness);
  }

  public static OpsServer start(
      String host, int port, ProcessMetrics metrics, Supplier<Readiness> readiness) {
    // Scrapes and readiness checks ask the database: they run on a thread of their own, never on
    // the event loop that reads the next probe.
    EventExecutorGroup answers =
        new DefaultEventExecutorGroup(
            1,
            r -> {
              Thread thread = new Thread(r, "kpam-ops-answers");
              thread.setDaemon(true);
              return thread;
            });
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1,
            r -> {
              Thread thread = new Thread(r, "kpam-ops");
              thread.setDaemon(true);
              return thread;
            },
            NioIoHandler.newFactory());
    try {
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new ReadTimeoutHandler(30))
                          .addLast(new HttpServerCodec(4096, 8192, 8192))
                          .addLast(new HttpObjectAggregator(8192))
                          .addLast(answers, new Handler(metrics, readiness));
                    }
                  })
              .bind(host, port)
              .syncUninterruptibly()
              .channel();
      return new OpsServer(group, answers, channel);
    } catch (RuntimeException e) {
      group.shutdownGracefully();
      answers.shutdownGracefully();
      throw new IllegalStateException(
          "cannot listen for metrics and probes on " + host + ":" + port + ": " + e.getMessage(),
          e);
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully();
    answers.shutdownGracefully();
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final ProcessMetrics metrics;
    private final Supplier<Readiness> readiness;

    Handler(ProcessMetrics metrics, Supplier<Readiness> readiness) {
      this.metrics = metrics;
      this.readiness = readiness;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String path = new QueryStringDecoder(request.uri()).path();
      FullHttpResponse response;
      if (!request.method().equals(HttpMethod.GET)) {
        response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only\n", "text/plain");
      } else {
        response =
            switch (path) {
              case "/metrics" ->
                  text(
                      HttpResponseStatus.OK,
                      metrics.scrape(),
                      "text/plain; version=0.0.4; charset=utf-8");
              case "/livez" -> text(HttpResponseStatus.OK, "ok\n", "text/plain");
              case "/readyz" -> ready();
              default ->
                  text(
                      HttpResponseStatus.NOT_FOUND,
                      "not found: /metrics, /livez and /readyz are here\n",
                      "text/plain");
            };
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      var written = ctx.writeAndFlush(response);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    private FullHttpResponse ready() {
      Readiness now;
      try {
        now = readiness.get();
      } catch (RuntimeException e) {
        now = new Readiness(false, "the readiness check failed: " + e.getMessage());
      }
      String json =
          "{\"ready\":"
              + now.ready()
              + ",\"detail\":\""
              + now.detail().replace("\\", "\\\\").replace("\"", "\\\"")
              + "\"}\n";
      return text(
          now.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
          json,
          HttpHeaderValues.APPLICATION_JSON.toString());
    }

    private static FullHttpResponse text(
        HttpResponseStatus status, String body, String contentType) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              status,
              Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
