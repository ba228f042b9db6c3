package dev.kpam.transport.tls;

import dev.kpam.crypto.pki.KpamIdentity;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Makes sure the peer reached as "the relay" is one: after the TLS handshake (which already checked
 * that the chain ends at the kpam CA) its certificate must carry a {@link KpamIdentity.Kind#RELAY}
 * identity. Any other kpam certificate (a gateway's, a session's) could otherwise pose as the
 * relay.
 *
 * <p>Install it right after the {@link SslHandler}. On a relay it leaves the pipeline and passes
 * the handshake event on. Otherwise it turns the event into a failed one whose cause is an {@link
 * SSLPeerUnverifiedException} saying what the peer is, drops anything the peer sent, and closes the
 * connection; handlers behind it see a failed handshake.
 *
 * <pre>{@code
 * ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), host, port))
 *     .addLast(RelayIdentityCheck.NAME, new RelayIdentityCheck());
 * }</pre>
 */
public final class RelayIdentityCheck extends ChannelInboundHandlerAdapter {
  public static final String NAME = "relay-identity";

  private boolean refused;

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof SslHandshakeCompletionEvent handshake) || !handshake.isSuccess()) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    Optional<KpamIdentity> peer = PeerIdentity.of(tls.engine().getSession());
    if (peer.isPresent() && peer.get().kind() == KpamIdentity.Kind.RELAY) {
      ctx.pipeline().remove(this);
      ctx.fireUserEventTriggered(evt);
      return;
    }
    refused = true;
    ctx.fireUserEventTriggered(
        new SslHandshakeCompletionEvent(
            new SSLPeerUnverifiedException(refusal(ctx.channel().remoteAddress(), peer))));
    ctx.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  /** "127.0.0.1:7443 is not a kpam relay: its certificate speaks for gateway dc1". */
  static String refusal(SocketAddress address, Optional<KpamIdentity> peer) {
    String where =
        address instanceof InetSocketAddress inet
            ? inet.getHostString() + ":" + inet.getPort()
            : String.valueOf(address);
    return where
        + " is not a kpam relay: "
        + peer.map(identity -> "its certificate speaks for " + identity.describe())
            .orElse("its certificate carries no kpam identity");
  }
}
