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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a gateway's tunnel from a client's dial after the TLS handshake, by the first bytes: a
 * dialer sends {@link RelayWire#HELLO}, a gateway (the HTTP/2 server of the tunnel) its SETTINGS
 * frame. Then rewires the pipeline for the one or the other. A client certificate that does not fit
 * (a gateway certificate used to dial, a session certificate opening a tunnel) is refused.
 */
final class PeerClassifier extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(PeerClassifier.class);
  private static final byte[] HELLO = RelayWire.hello();

  private final RelayWiring wiring;
  private Optional<KpamIdentity> identity = Optional.empty();
  private ByteBuf firstBytes;

  PeerClassifier(RelayWiring wiring) {
    this.wiring = wiring;
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
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (ctx.pipeline().context(this) != null) {
      ctx.read(); // still undecided
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
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
      ctx.close();
      return;
    }
    wiring.installTunnel(ctx, identity.get().gatewayId());
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
      ctx.writeAndFlush(
              Unpooled.wrappedBuffer(
                  RelayWire.error(
                      RelayWire.BAD_CERTIFICATE,
                      "the client certificate is not a kpam session certificate")))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.pipeline().replace(this, SessionConnector.NAME, wiring.sessionConnector(identity.get()));
  }
}
