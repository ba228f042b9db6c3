package dev.kpam.relay;

import dev.kpam.crypto.pki.KpamIdentity;
import dev.kpam.transport.splice.Splice;
import dev.kpam.transport.tunnel.RelayWire;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects a client's dial to its gateway (DATA-PLANE.md §1.2–1.3, §2.3): asks the {@link
 * SessionGate}, opens a stream on a tunnel of the gateway, waits for {@code :status 200}, answers
 * {@code KPAM/1 OK} and splices; or answers {@code KPAM/1 ERR} and closes. Runs on the client
 * channel's event loop; results from the gate and the tunnel hop back onto it.
 */
final class SessionConnector extends ChannelInboundHandlerAdapter {
  static final String NAME = "session-connector";
  private static final Logger log = LoggerFactory.getLogger(SessionConnector.class);

  private final KpamIdentity session;
  private final TunnelRegistry tunnels;
  private final RelayConfig config;
  private Http2StreamChannel stream;
  private ScheduledFuture<?> timeout;
  private boolean done;

  SessionConnector(KpamIdentity session, TunnelRegistry tunnels, RelayConfig config) {
    this.session = session;
    this.tunnels = tunnels;
    this.config = config;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timeout =
        ctx.executor()
            .schedule(
                () -> refuse(ctx, RelayWire.INTERNAL, "the gateway did not answer in time"),
                config.deadAfter().toNanos(),
                TimeUnit.NANOSECONDS);
    CompletionStage<GateDecision> decision;
    try {
      decision = config.gate().check(session.sessionId(), session.gatewayId());
    } catch (RuntimeException e) {
      decision = CompletableFuture.failedFuture(e);
    }
    decision.whenComplete(
        (answer, failure) -> ctx.executor().execute(() -> gateAnswered(ctx, answer, failure)));
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    timeout.cancel(false);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    done = true;
    if (stream != null) {
      stream.close();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("client {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private void gateAnswered(ChannelHandlerContext ctx, GateDecision answer, Throwable failure) {
    if (done) {
      return;
    }
    if (failure != null) {
      Throwable cause = failure;
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof GateUnavailableException) {
        refuse(ctx, RelayWire.INTERNAL, cause.getMessage());
        return;
      }
      log.error("cannot check session {}", session.sessionId(), failure);
      refuse(ctx, RelayWire.INTERNAL, "the relay could not check the session");
      return;
    }
    if (!answer.allowed()) {
      refuse(ctx, RelayWire.SESSION_REFUSED, answer.reason());
      return;
    }
    Channel tunnel = tunnels.next(session.gatewayId());
    if (tunnel == null) {
      refuse(
          ctx,
          RelayWire.GATEWAY_OFFLINE,
          "gateway " + session.gatewayId() + " is not connected to the relay");
      return;
    }
    CompletableFuture<Http2StreamChannel> answered = new CompletableFuture<>();
    new Http2StreamChannelBootstrap(tunnel)
        .handler(
            new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel ch) {
                ch.config().setAutoRead(false);
                ch.pipeline()
                    .addLast(StreamResponseAwaiter.NAME, new StreamResponseAwaiter(answered));
              }
            })
        .open()
        .addListener(
            (Future<Http2StreamChannel> opened) -> {
              if (opened.isSuccess()) {
                sendHeaders(ctx, opened.getNow());
              } else {
                answered.completeExceptionally(opened.cause());
              }
            });
    answered.whenComplete(
        (opened, cause) -> ctx.executor().execute(() -> streamAnswered(ctx, opened, cause)));
  }

  /** On the tunnel's event loop. */
  private void sendHeaders(ChannelHandlerContext ctx, Http2StreamChannel opened) {
    Http2Headers headers =
        new DefaultHttp2Headers()
            .method("POST")
            .scheme("https")
            .authority(session.gatewayId())
            .path("/kpam/v1/stream")
            .add("kpam-session", session.sessionId())
            .add("kpam-client-address", address(ctx.channel().remoteAddress()));
    opened.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false));
    opened.read();
  }

  private void streamAnswered(
      ChannelHandlerContext ctx, Http2StreamChannel opened, Throwable cause) {
    if (cause != null) {
      log.warn(
          "no stream to gateway {} for session {}: {}",
          session.gatewayId(),
          session.sessionId(),
          cause.toString());
      refuse(ctx, RelayWire.INTERNAL, "the gateway did not accept the connection");
      return;
    }
    if (done) {
      opened.close();
      return;
    }
    done = true;
    stream = opened;
    log.debug("session {} spliced to gateway {}", session.sessionId(), session.gatewayId());
    ctx.writeAndFlush(Unpooled.wrappedBuffer(RelayWire.ok()));
    ctx.pipeline().remove(this);
    Splice.join(ctx.channel(), opened);
  }

  private void refuse(ChannelHandlerContext ctx, String code, String message) {
    if (done) {
      return;
    }
    done = true;
    log.info(
        "session {} for gateway {} from {} refused: {} {}",
        session.sessionId(),
        session.gatewayId(),
        ctx.channel().remoteAddress(),
        code,
        message);
    if (stream != null) {
      stream.close();
    }
    ctx.writeAndFlush(Unpooled.wrappedBuffer(RelayWire.error(code, message)))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private static String address(SocketAddress address) {
    if (address instanceof InetSocketAddress) {
      InetSocketAddress inet = (InetSocketAddress) address;
      String host =
          inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
      return host + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }
}
