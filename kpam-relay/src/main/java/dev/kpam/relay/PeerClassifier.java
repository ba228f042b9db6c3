package dev.kpam.relay;

import dev.kpam.crypto.pki.KpamIdentity;
import dev.kpam.transport.tls.PeerIdentity;
import dev.kpam.transport.tunnel.RelayWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a gateway's tunnel from a client's dial after the TLS handshake, by the first bytes: a
 * dialer sends {@link RelayWire#HELLO}, a gateway (the HTTP/2 server of the tunnel) its SETTINGS
 * frame. Then rewires the pipeline for the one or the other. A client certificate that does not fit
 * (a gateway certificate used to dial, a session certificate opening a tunnel) is refused, and so
 * is one connection more than its identity may hold ({@link RelayLimits}).
 *
 * <p>A peer must be classified within {@code firstBytesTimeout} of its handshake, else it is
 * closed: an idle or trickling socket would otherwise be held for ever. The deadline leaves with
 * this handler; afterwards a client waits for its gateway under {@link SessionConnector}'s timeout
 * and then may be silent as long as it likes, and a tunnel is watched by {@link TunnelPinger}.
 */
final class PeerClassifier extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(PeerClassifier.class);
  private static final byte[] HELLO = RelayWire.hello();

  private final RelayWiring wiring;
  private final Duration firstBytesTimeout;
  private Optional<KpamIdentity> identity = Optional.empty();
  private ByteBuf firstBytes;
  private ScheduledFuture<?> deadline;
  private boolean refused;

  PeerClassifier(RelayWiring wiring, Duration firstBytesTimeout) {
    this.wiring = wiring;
    this.firstBytesTimeout = firstBytesTimeout;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read(); // auto-read is off; the TLS handler reads on by itself during the handshake
    ctx.fireChannelActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent) {
      SslHandshakeCompletionEvent handshake = (SslHandshakeCompletionEvent) evt;
      if (handshake.isSuccess()) {
        identity = PeerIdentity.of(ctx.pipeline().get(SslHandler.class).engine().getSession());
        deadline =
            ctx.executor()
                .schedule(
                    () -> closeSilent(ctx), firstBytesTimeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.read();
      } else {
        log.debug(
            "TLS handshake from {} failed: {}",
            ctx.channel().remoteAddress(),
            handshake.cause().toString());
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    if (refused) {
      in.release(); // the refusal is on its way and the connection closing
      return;
    }
    if (firstBytes != null) {
      firstBytes.writeBytes(in);
      in.release();
      in = firstBytes;
      firstBytes = null;
    }
    if (!in.isReadable()) {
      in.release();
      return;
    }
    if (in.getByte(in.readerIndex()) != HELLO[0]) {
      becomeTunnel(ctx, in);
      return;
    }
    if (in.readableBytes() < HELLO.length) {
      firstBytes = ctx.alloc().buffer(HELLO.length);
      firstBytes.writeBytes(in);
      in.release();
      return;
    }
    boolean hello =
        in.readableBytes() == HELLO.length
            && ByteBufUtil.equals(
                in, in.readerIndex(), Unpooled.wrappedBuffer(HELLO), 0, HELLO.length);
    in.release();
    if (hello) {
      becomeDialer(ctx);
    } else {
      log.debug("{} sent neither a hello nor HTTP/2, closing", ctx.channel().remoteAddress());
      closeRefused(ctx);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (ctx.pipeline().context(this) != null && !refused) {
      ctx.read(); // still undecided
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
    if (firstBytes != null) {
      firstBytes.release();
      firstBytes = null;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private void becomeTunnel(ChannelHandlerContext ctx, ByteBuf firstBytes) {
    if (identity.isEmpty() || identity.get().kind() != KpamIdentity.Kind.GATEWAY) {
      firstBytes.release();
      log.info(
          "{} opened a tunnel without a gateway certificate ({}), closing",
          ctx.channel().remoteAddress(),
          identity.map(Object::toString).orElse("no kpam identity"));
      closeRefused(ctx);
      return;
    }
    String gatewayId = identity.get().gatewayId();
    if (!wiring.admitTunnel(ctx.channel(), gatewayId)) {
      firstBytes.release();
      log.warn(
          "gateway {} from {} already holds the most tunnels it may ({}), closing the new one",
          gatewayId,
          ctx.channel().remoteAddress(),
          wiring.limits().maxTunnelsPerGateway());
      closeRefused(ctx);
      return;
    }
    wiring.installTunnel(ctx, gatewayId);
    ctx.fireChannelRead(firstBytes); // the gateway's SETTINGS, now for the HTTP/2 codec
    ctx.pipeline().remove(this);
    ctx.channel().config().setAutoRead(true);
  }

  private void becomeDialer(ChannelHandlerContext ctx) {
    if (identity.isEmpty() || identity.get().kind() != KpamIdentity.Kind.SESSION) {
      log.info(
          "{} dialed without a session certificate ({}), refusing",
          ctx.channel().remoteAddress(),
          identity.map(Object::toString).orElse("no kpam identity"));
      refuse(
          ctx,
          RelayWire.BAD_CERTIFICATE,
          "the client certificate is not a kpam session certificate");
      return;
    }
    String sessionId = identity.get().sessionId();
    if (!wiring.admitClient(ctx.channel(), sessionId)) {
      int max = wiring.limits().maxConnectionsPerSession();
      log.warn(
          "session {} for gateway {} from {} refused: {}, it already holds the most connections"
              + " it may ({})",
          sessionId,
          identity.get().gatewayId(),
          ctx.channel().remoteAddress(),
          RelayWire.TOO_MANY_CONNECTIONS,
          max);
      refuse(
          ctx,
          RelayWire.TOO_MANY_CONNECTIONS,
          "session " + sessionId + " holds " + max + " connections at the relay, the most it may");
      return;
    }
    ctx.pipeline().replace(this, SessionConnector.NAME, wiring.sessionConnector(identity.get()));
  }

  /** Answers the dialer's hello with {@code KPAM/1 ERR} and closes; later bytes are dropped. */
  private void refuse(ChannelHandlerContext ctx, String code, String message) {
    refused = true;
    ctx.writeAndFlush(Unpooled.wrappedBuffer(RelayWire.error(code, message)))
        .addListener(ChannelFutureListener.CLOSE);
  }

  /** Closes without a word (a would-be tunnel gets no status line); later bytes are dropped. */
  private void closeRefused(ChannelHandlerContext ctx) {
    refused = true;
    ctx.close();
  }

  private void closeSilent(ChannelHandlerContext ctx) {
    if (refused) {
      ctx.close(); // the refusal is stuck: the peer does not read
      return;
    }
    log.info(
        "{} ({}) did not say what it is within {} of its TLS handshake, closing",
        ctx.channel().remoteAddress(),
        identity.map(Object::toString).orElse("no kpam identity"),
        firstBytesTimeout);
    ctx.close();
  }
}
