package dev.kpam.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Gives each request the account's credential ({@code Authorization: Bearer <stored token>}), the
 * API server's {@code Host} and the URL's path prefix. Runs after {@link HeaderSanitizer}, so the
 * client's own credentials are already gone; the token is never logged.
 */
final class CredentialInjector extends ChannelInboundHandlerAdapter {
  private final ProxyConnection connection;

  CredentialInjector(ProxyConnection connection) {
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + connection.lookup.token());
      request.headers().set(HttpHeaderNames.HOST, connection.target.authority());
      String uri = request.uri().startsWith("/") ? request.uri() : "/" + request.uri();
      request.setUri(connection.target.pathPrefix() + uri);
    }
    ctx.fireChannelRead(msg);
  }
}
