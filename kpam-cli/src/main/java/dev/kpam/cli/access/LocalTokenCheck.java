package dev.kpam.cli.access;

import dev.kpam.crypto.secrets.SecretTokens;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

/**
 * Lets through only requests that carry the session's local bearer token, on every request of a
 * keep-alive connection, and removes that header so the token never leaves this machine. Anything
 * else gets a 401 {@code Status} and the connection is closed; the request goes nowhere.
 */
final class LocalTokenCheck extends ChannelInboundHandlerAdapter {
  private final String expectedAuthorization;
  private boolean refused;

  LocalTokenCheck(String token) {
    this.expectedAuthorization = "Bearer " + token;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg); // the rest of a refused request
      return;
    }
    if (msg instanceof HttpRequest request) {
      String presented = request.headers().get(HttpHeaderNames.AUTHORIZATION);
      if (!SecretTokens.constantTimeEquals(presented, expectedAuthorization)) {
        refused = true;
        ReferenceCountUtil.release(msg);
        ctx.writeAndFlush(KubeStatus.unauthorized()).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      request.headers().remove(HttpHeaderNames.AUTHORIZATION);
    }
    ctx.fireChannelRead(msg);
  }
}
