package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Lets through only requests carrying {@code Authorization: Bearer <the accepted token>}; anything
 * else gets the real server's 401 {@code Status}.
 */
final class BearerAuthenticator extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final byte[] expected;
  private final ObjectMapper json;

  BearerAuthenticator(String acceptedToken, ObjectMapper json) {
    super(false);
    this.expected = ("Bearer " + acceptedToken).getBytes(StandardCharsets.UTF_8);
    this.json = json;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
    if (MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8))) {
      ctx.fireChannelRead(request);
      return;
    }
    try {
      Responses.json(ctx, request, json, 401, KubeStatusException.unauthorized());
    } finally {
      request.release();
    }
  }
}
