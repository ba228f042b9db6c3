package dev.kpam.cli.access;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends kubectl's (checked) requests to the gateway over an upstream connection of its own, opened
 * on the first request. Reads the next piece from kubectl only when the previous one was written
 * upstream; after an upgrade request it waits for the answer, since after a {@code 101} the bytes
 * are no longer HTTP (see {@link ResponseForwarder}).
 */
final class RequestForwarder extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RequestForwarder.class);
  static final int MAX_HEADER_SIZE = 64 * 1024;

  /** Response bodies pass on in pieces of at most this size: fewer, larger writes downstream. */
  private static final int MAX_BODY_PIECE = 64 * 1024;

  private final Upstream upstream;
  // At most what one read of kubectl's bytes decodes to, while the upstream connection opens.
  private final List<Object> pending = new ArrayList<>();
  private ChannelHandlerContext ctx;
  private Channel gateway;
  private boolean opening;
  private boolean awaitingUpgradeAnswer;

  RequestForwarder(Upstream upstream) {
    this.upstream = upstream;
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
    if (msg instanceof HttpRequest request && isUpgrade(request)) {
      awaitingUpgradeAnswer = true;
    }
    if (gateway != null) {
      forward(msg);
      return;
    }
    pending.add(msg);
    if (!opening) {
      opening = true;
      upstream
          .open(ctx.channel().eventLoop())
          .whenComplete(
              (channel, failure) -> ctx.executor().execute(() -> opened(channel, failure)));
    }
  }

  private void opened(Channel channel, Throwable failure) {
    if (failure != null) {
      log.debug("cannot open the upstream connection for {}", ctx.channel(), failure);
      releasePending();
      ctx.writeAndFlush(KubeStatus.forUpstreamFailure(failure))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (!ctx.channel().isActive()) {
      releasePending();
      channel.close();
      return;
    }
    gateway = channel;
    channel
        .pipeline()
        .addLast("http", new HttpClientCodec(4096, MAX_HEADER_SIZE, MAX_BODY_PIECE))
        .addLast("response-forwarder", new ResponseForwarder(ctx.channel(), this));
    List<Object> queued = List.copyOf(pending);
    pending.clear();
    queued.forEach(this::forward);
    channel.read();
  }

  private void forward(Object msg) {
    boolean last = msg instanceof LastHttpContent;
    gateway
        .writeAndFlush(msg)
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (!written.isSuccess()) {
                    log.debug("write to the gateway failed", written.cause());
                    closeBoth();
                  } else if (!(last && awaitingUpgradeAnswer)) {
                    ctx.read();
                  }
                });
  }

  /** The gateway answered an upgrade request with something other than 101: HTTP goes on. */
  void upgradeRefused() {
    if (awaitingUpgradeAnswer) {
      awaitingUpgradeAnswer = false;
      ctx.read();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releasePending();
    if (gateway != null) {
      gateway.close();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("kubectl connection {} failed", ctx.channel(), cause);
    closeBoth();
  }

  private void closeBoth() {
    ctx.close();
    if (gateway != null) {
      gateway.close();
    }
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
