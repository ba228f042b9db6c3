package dev.kpam.cli.access;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends kubectl's (checked) requests to the gateway over a connection borrowed from the session's
 * {@link GatewayPool} for each exchange, and gives it back once the response is complete. Reads the
 * next piece from kubectl only when the previous one was written upstream; after an upgrade request
 * it waits for the answer, since after a {@code 101} the bytes are no longer HTTP (see {@link
 * ResponseForwarder}) and the connection stays kubectl's. A body-less GET whose idle connection
 * turns out closed before any answer is sent once more on a new connection, as HTTP clients do.
 */
final class RequestForwarder extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RequestForwarder.class);
  static final int MAX_HEADER_SIZE = 64 * 1024;

  /** Response bodies pass on in pieces of at most this size: fewer, larger writes downstream. */
  static final int MAX_BODY_PIECE = 64 * 1024;

  private final GatewayPools pools;
  // At most what one read of kubectl's bytes decodes to, while a gateway connection is found.
  private final List<Object> pending = new ArrayList<>();
  private ChannelHandlerContext ctx;
  private Future<GatewayPool.Lease> acquiring;
  private GatewayPool.Lease lease;
  private boolean awaitingUpgradeAnswer;

  /** Requests of the current exchange sent on without their final response yet (pipelining). */
  private int outstanding;

  private boolean requestComplete = true;
  private boolean keepAlive = true;

  /** The exchange's only request, when it may be sent again: a GET or HEAD without a body. */
  private HttpRequest replayable;

  private boolean retried;

  /**
   * The URI of the exchange's request; whether it was a watch is asked only if its answer is cut.
   */
  private String uri;

  RequestForwarder(GatewayPools pools) {
    this.pools = pools;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      if (isUpgrade(request)) {
        awaitingUpgradeAnswer = true;
      }
      if (outstanding == 0 && lease == null) {
        keepAlive = true; // a new exchange
      }
      outstanding++;
      requestComplete = false;
      keepAlive &= HttpUtil.isKeepAlive(request);
      boolean idempotent =
          request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD);
      replayable = outstanding == 1 && idempotent && lease == null ? request : null;
      retried = false;
      uri = request.uri();
    }
    if (msg instanceof HttpContent content) {
      if (content.content().isReadable()) {
        replayable = null;
      }
      if (msg instanceof LastHttpContent) {
        requestComplete = true;
      }
    }
    if (lease != null) {
      forward(msg);
      return;
    }
    pending.add(msg);
    if (acquiring == null) {
      acquire(false);
    }
  }

  private void acquire(boolean fresh) {
    acquiring = pools.on(ctx.channel().eventLoop()).acquire(fresh);
    acquiring.addListener(
        done -> {
          acquiring = null;
          if (done.isCancelled()) {
            return;
          }
          if (done.isSuccess()) {
            bound((GatewayPool.Lease) done.getNow());
          } else {
            failed(done.cause());
          }
        });
  }

  private void failed(Throwable failure) {
    log.debug("cannot open the upstream connection for {}", ctx.channel(), failure);
    releasePending();
    ctx.writeAndFlush(KubeStatus.forUpstreamFailure(failure))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void bound(GatewayPool.Lease lent) {
    if (!ctx.channel().isActive()) {
      releasePending();
      pools.on(ctx.channel().eventLoop()).release(lent.channel());
      return;
    }
    lease = lent;
    lent.channel().pipeline().get(ResponseForwarder.class).bind(ctx.channel(), this);
    List<Object> queued = List.copyOf(pending);
    pending.clear();
    queued.forEach(this::forward);
    lent.channel().read();
  }

  private void forward(Object msg) {
    boolean last = msg instanceof LastHttpContent;
    Channel gateway = lease.channel();
    gateway
        .writeAndFlush(msg)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (!written.isSuccess()) {
                    log.debug("write to the gateway failed", written.cause());
                    gateway.close(); // gatewayClosed decides what kubectl sees
                  } else if (!(last && awaitingUpgradeAnswer)) {
                    ctx.read();
                  }
                });
  }

  /** The final response of a request reached kubectl. */
  void responseEnded(boolean responseKeepAlive) {
    outstanding--;
    keepAlive &= responseKeepAlive;
    if (awaitingUpgradeAnswer) {
      // The gateway answered an upgrade request with something other than 101: HTTP goes on.
      awaitingUpgradeAnswer = false;
      ctx.read();
    }
    if (lease == null || outstanding > 0 || !requestComplete) {
      return;
    }
    Channel gateway = lease.channel();
    unbind();
    if (keepAlive && ctx.channel().isActive()) {
      pools.on(ctx.channel().eventLoop()).release(gateway);
    } else {
      gateway.close();
    }
  }

  /**
   * The lent connection closed (the gateway instance stopped, the relay or the network failed).
   * Between exchanges nothing is lost. A body-less GET that was never answered goes again, once, on
   * a new connection (which the relay may give to another instance of the gateway); another request
   * never answered gets a 503 {@code Status}; a JSON watch ends with an {@code ERROR} event saying
   * why; a followed log ({@code logs -f}) with a last line saying why, and is cut after it, so that
   * kubectl also reports the unexpected end and exits 1; otherwise kubectl's connection closes once
   * what the gateway sent has reached it.
   */
  void gatewayClosed(Channel gateway, ChannelFuture lastWrite) {
    if (lease == null || lease.channel() != gateway) {
      return;
    }
    ResponseForwarder responses = gateway.pipeline().get(ResponseForwarder.class);
    boolean answered = responses.answered();
    boolean midWatch = responses.jsonStream() && isWatch(uri);
    boolean midLog = responses.textStream() && isFollowedLog(uri);
    boolean endsLine = responses.endsLine();
    unbind();
    if (outstanding == 0 && requestComplete) {
      return;
    }
    if (replayable != null && requestComplete && !answered && !retried) {
      retried = true;
      log.debug("gateway connection {} was closed; sending {} again", gateway, replayable.uri());
      pending.add(replayable);
      pending.add(LastHttpContent.EMPTY_LAST_CONTENT);
      acquire(true);
      return;
    }
    if (!answered && !awaitingUpgradeAnswer) {
      ctx.writeAndFlush(KubeStatus.closedUnanswered()).addListener(ChannelFutureListener.CLOSE);
    } else if (midWatch) {
      ctx.write(new DefaultHttpContent(KubeStatus.watchEnded()));
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(ChannelFutureListener.CLOSE);
    } else if (midLog) {
      ctx.writeAndFlush(new DefaultHttpContent(KubeStatus.logEnded(endsLine)))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (lastWrite == null) {
      ctx.close();
    } else {
      ctx.flush();
      lastWrite.addListener(written -> ctx.close());
    }
  }

  /** Whether {@code uri} follows a pod's log: {@code .../pods/NAME/log?follow=true}. */
  static boolean isFollowedLog(String uri) {
    int query = uri.indexOf('?');
    if (query < 0 || !uri.substring(0, query).endsWith("/log")) {
      return false;
    }
    for (String parameter : uri.substring(query + 1).split("&")) {
      if (parameter.equals("follow=true") || parameter.equals("follow=1")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code uri} asks for a watch: {@code watch=true} (or 1), or the old watch paths {@code
   * /api/v1/watch/...} and {@code /apis/GROUP/VERSION/watch/...}.
   */
  static boolean isWatch(String uri) {
    int query = uri.indexOf('?');
    String[] path = (query < 0 ? uri : uri.substring(0, query)).split("/");
    // "", "api", "v1", "watch", ... or "", "apis", GROUP, VERSION, "watch", ...
    if ((path.length > 3 && path[1].equals("api") && path[3].equals("watch"))
        || (path.length > 4 && path[1].equals("apis") && path[4].equals("watch"))) {
      return true;
    }
    if (query < 0) {
      return false;
    }
    for (String parameter : uri.substring(query + 1).split("&")) {
      if (parameter.equals("watch=true") || parameter.equals("watch=1")) {
        return true;
      }
    }
    return false;
  }

  private void unbind() {
    ResponseForwarder responses = lease.channel().pipeline().get(ResponseForwarder.class);
    if (responses != null) {
      responses.unbind();
    }
    lease = null;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releasePending();
    if (acquiring != null) {
      acquiring.cancel(false);
    }
    if (lease != null) {
      Channel gateway = lease.channel();
      unbind();
      gateway.close(); // mid-exchange: the gateway must see kubectl go
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("kubectl connection {} failed", ctx.channel(), cause);
    ctx.close();
  }

  private void releasePending() {
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
  }

  private static boolean isUpgrade(HttpRequest request) {
    return request
            .headers()
            .containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        && request.headers().contains(HttpHeaderNames.UPGRADE);
  }
}
