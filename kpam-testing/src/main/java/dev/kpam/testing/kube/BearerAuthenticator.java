package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * Lets through only requests carrying {@code Authorization: Bearer <the accepted token>} (the one
 * accepted now: a token can be rotated); anything else gets the real server's 401 {@code Status}.
 */
final class BearerAuthenticator extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final Supplier<String> acceptedToken;
  private final ObjectMapper json;

  BearerAuthenticator(Supplier<String> acceptedToken, ObjectMapper json) {
    super(false);
    this.acceptedToken = acceptedToken;
    this.json = json;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
    byte[] expected = ("Bearer " + acceptedToken.get()).getBytes(StandardCharsets.UTF_8);
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
