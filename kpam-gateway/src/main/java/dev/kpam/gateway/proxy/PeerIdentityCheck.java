package dev.kpam.gateway.proxy;

import dev.kpam.crypto.pki.KpamIdentity;
import dev.kpam.transport.tls.PeerIdentity;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the inner TLS handshake (DATA-PLANE.md §3): the client certificate must be a kpam SESSION
 * certificate for this gateway and for the session the relay named in the stream's {@code
 * kpam-session} header; anything else is closed. Then it starts reading HTTP and leaves.
 */
final class PeerIdentityCheck extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(PeerIdentityCheck.class);
  private final String gatewayId;
  private final String sessionId;

  PeerIdentityCheck(String gatewayId, String sessionId) {
    this.gatewayId = gatewayId;
    this.sessionId = sessionId;
  }

  /**
   * Nothing passes before the peer's identity is checked: this handler leaves the pipeline only
   * once it matches, so bytes read earlier (or after a refusal, in the same read) are dropped.
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (!(evt instanceof SslHandshakeCompletionEvent handshake)) {
      super.userEventTriggered(ctx, evt);
      return;
    }
    if (!handshake.isSuccess()) {
      log.debug("inner TLS handshake of session {} failed: {}", sessionId, handshake.cause());
      ctx.close();
      return;
    }
    Optional<KpamIdentity> peer =
        PeerIdentity.of(ctx.pipeline().get(SslHandler.class).engine().getSession());
    KpamIdentity expected = KpamIdentity.session(sessionId, gatewayId);
    if (peer.isEmpty() || !peer.get().equals(expected)) {
      log.warn(
          "refusing an inner TLS client: identity {} (expected: {})",
          peer.map(Object::toString).orElse("none"),
          expected);
      ctx.close();
      return;
    }
    ctx.pipeline().remove(this);
    ctx.fireUserEventTriggered(evt);
    ctx.read();
  }
}
