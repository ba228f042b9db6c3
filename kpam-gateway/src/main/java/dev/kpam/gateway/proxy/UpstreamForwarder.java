package dev.kpam.gateway.proxy;

import dev.kpam.gateway.record.RequestInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayDeque;

/**
 * Sends each request to the API server and streams the answer back, chunk by chunk: a piece is read
 * from one leg only when the previous one was written to the other (auto-read off on both). Plain
 * requests use a pooled keep-alive connection; upgrades (exec, attach, port-forward) a dedicated
 * one, handed to {@link ProtocolSwitch} on {@code 101}; requests that last (watches, {@code logs
 * -f}) a stream of a shared HTTP/2 connection where the API server speaks it. Requests are handled
 * one at a time; what arrives early waits here without further reads. No timeouts: watches and
 * streams last as long as they do.
 */
final class UpstreamForwarder extends ChannelInboundHandlerAdapter {
  private final ProxyConnection connection;
  private final UpstreamPools pools;
  private final StreamTap.Factory taps;
  private final Clock clock;
  private final ArrayDeque<Object> pending = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private Exchange exchange;

  UpstreamForwarder(
      ProxyConnection connection, UpstreamPools pools, StreamTap.Factory taps, Clock clock) {
    this.connection = connection;
    this.pools = pools;
    this.taps = taps;
    this.clock = clock;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (exchange == null && pending.isEmpty() && msg instanceof HttpRequest request) {
      start(request);
    } else if (exchange != null
        && exchange.ready
        && !exchange.requestDone
        && msg instanceof HttpContent content) {
      sendUp(exchange, content);
    } else if (exchange == null && !(msg instanceof HttpRequest)) {
      ReferenceCountUtil.release(msg); // the rest of a request that was already answered
    } else {
      pending.add(msg);
    }
  }

  private void start(HttpRequest request) {
    boolean upgrade = HeaderSanitizer.isUpgrade(request.headers());
    Exchange ex =
        new Exchange(connection.target, request, upgrade, connection.recorder.requestId(request));
    ex.requestDone = request instanceof LastHttpContent;
    exchange = ex;
    EventLoop loop = ctx.channel().eventLoop();
    Future<Channel> upstream;
    if (upgrade) {
      upstream = pools.connectDedicated(ex.target, loop);
    } else if (lasting(request)) {
      upstream = pools.acquireLasting(ex.target, loop);
    } else {
      upstream = pools.acquire(ex.target, loop);
    }
    upstream.addListener(f -> connected(ex, upstream));
  }

  private void connected(Exchange ex, Future<Channel> result) {
    if (result.isSuccess()) {
      ex.upstream = result.getNow();
    }
    if (exchange != ex || !ctx.channel().isActive()) {
      giveBack(ex, false);
      return;
    }
    if (!result.isSuccess()) {
      fail(
          ex,
          KubeStatus.badGateway(
              "cannot reach the API server at "
                  + ex.target.origin()
                  + ": "
                  + describe(result.cause())));
      return;
    }
    ex.upstream.pipeline().addLast(UpstreamResponseRelay.NAME, new UpstreamResponseRelay(this, ex));
    MultiplexedUpstreams.tls(ex.upstream).handshakeFuture().addListener(h -> handshaken(ex, h));
  }

  private void handshaken(Exchange ex, Future<?> handshake) {
    if (exchange != ex) {
      return;
    }
    if (!handshake.isSuccess()) {
      ex.upstreamReusable = false;
      fail(
          ex,
          KubeStatus.badGateway(
              "TLS verification of the API server failed: " + handshake.cause().getMessage()));
      return;
    }
    ex.ready = true;
    HttpRequest request = ex.request;
    ex.request = null;
    ex.upstream.write(request).addListener(writeFailureCloses());
    while (!ex.requestDone && pending.peek() instanceof HttpContent content) {
      pending.poll();
      sendUp(ex, content);
    }
    ex.upstream.flush();
    ex.upstream.read();
    if (!ex.requestDone && pending.isEmpty()) {
      ctx.read();
    }
  }

  private void sendUp(Exchange ex, HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    ex.requestDone |= last;
    ex.upstream
        .writeAndFlush(content)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    ctx.close();
                  } else if (!last || !ex.upgrade) {
                    // After the last piece the read only notices a client that goes away.
                    ctx.read();
                  }
                });
  }

  void fromUpstream(Exchange ex, Object msg) {
    if (exchange != ex) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse response) {
      ex.responseStarted = true;
      if (ex.upgrade && response.status().code() == 101) {
        exchange = null;
        ProtocolSwitch.apply(ctx, connection, ex, response, taps, clock);
        return;
      }
      if (MultiplexedUpstreams.isStream(ex.upstream)) {
        response.headers().remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
      }
      ex.upstreamReusable = HttpUtil.isKeepAlive(response) && !ex.upgrade;
      ex.clientKeepAlive = HttpUtil.isKeepAlive(response) && !ex.upgrade;
    }
    boolean last = msg instanceof LastHttpContent;
    ex.responseDone |= last;
    ex.lastWrite =
        ctx.write(msg)
            .addListener(
                (ChannelFutureListener)
                    f -> {
                      if (!f.isSuccess()) {
                        ctx.close();
                      } else if (last) {
                        finished(ex);
                      }
                    });
    ex.unflushed = true;
  }

  /**
   * The upstream's read is complete: what it brought goes out to the client in one flush, and the
   * next read waits until that is written (backpressure without a queue).
   */
  void upstreamReadComplete(Exchange ex) {
    if (!ex.unflushed) {
      return;
    }
    ex.unflushed = false;
    ctx.flush();
    ex.lastWrite.addListener(
        f -> {
          // The exchange may be finished (its connection back in the pool) by now.
          if (f.isSuccess() && !ex.responseDone && exchange == ex && ex.upstream != null) {
            ex.upstream.read();
          }
        });
  }

  private void finished(Exchange ex) {
    if (exchange != ex) {
      return;
    }
    exchange = null;
    giveBack(ex, ex.upstreamReusable && ex.requestDone);
    if (!ex.clientKeepAlive || !ex.requestDone) {
      ctx.close();
      return;
    }
    Object next = pending.poll();
    if (next instanceof HttpRequest request) {
      start(request); // its pieces wait in pending until the upstream is ready
    } else {
      ReferenceCountUtil.release(next);
      ctx.read();
    }
  }

  void upstreamClosed(Exchange ex) {
    if (exchange != ex) {
      return;
    }
    exchange = null;
    if (ex.responseStarted) {
      giveBack(ex, false);
      // The end of a response without a length, or a broken one: what came still goes out.
      if (ex.lastWrite == null) {
        ctx.close();
      } else {
        ctx.flush();
        ex.lastWrite.addListener(written -> ctx.close());
      }
    } else {
      fail(
          ex,
          KubeStatus.badGateway(
              "the API server at " + ex.target.origin() + " closed the connection"));
    }
  }

  private void fail(Exchange ex, KubeStatus status) {
    exchange = null;
    giveBack(ex, false);
    ReferenceCountUtil.release(ex.request);
    ex.request = null;
    releasePending();
    ctx.writeAndFlush(status.response(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
  }

  private void giveBack(Exchange ex, boolean reusable) {
    Channel upstream = ex.upstream;
    if (upstream == null) {
      ReferenceCountUtil.release(ex.request);
      ex.request = null;
      return;
    }
    ex.upstream = null;
    if (upstream.pipeline().get(UpstreamResponseRelay.NAME) != null) {
      upstream.pipeline().remove(UpstreamResponseRelay.NAME);
    }
    if (!reusable || MultiplexedUpstreams.isStream(upstream)) {
      upstream.close(); // a stream is over with its exchange (or reset, if it is not)
    }
    if (!ex.upgrade && !MultiplexedUpstreams.isStream(upstream)) {
      pools.release(ex.target, upstream);
    }
  }

  private ChannelFutureListener writeFailureCloses() {
    return f -> {
      if (!f.isSuccess()) {
        ctx.close();
      }
    };
  }

  private static boolean lasting(HttpRequest request) {
    String uri = request.uri();
    int q = uri.indexOf('?');
    return RequestInfo.lasting(
        request.method().name(),
        q < 0 ? uri : uri.substring(0, q),
        q < 0 ? "" : uri.substring(q + 1));
  }

  static String describe(Throwable cause) {
    if (cause instanceof ConnectException) {
      return "connection refused";
    } else if (cause instanceof ConnectTimeoutException) {
      return "connection timed out";
    } else if (cause instanceof UnknownHostException) {
      return "unknown host " + cause.getMessage();
    }
    return String.valueOf(cause.getMessage());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null) {
      Exchange ex = exchange;
      exchange = null;
      giveBack(ex, false);
    }
    releasePending();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releasePending();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void releasePending() {
    Object msg;
    while ((msg = pending.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }
}
