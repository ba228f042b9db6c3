package dev.kpam.testing.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.UncheckedIOException;

/** Writes complete responses, keeping the connection open when the request allows it. */
final class Responses {
  private Responses() {}

  static void json(
      ChannelHandlerContext ctx, HttpRequest request, ObjectMapper json, int code, JsonNode body) {
    send(ctx, request, HttpResponseStatus.valueOf(code), "application/json", bytes(json, body));
  }

  static void status(
      ChannelHandlerContext ctx, HttpRequest request, ObjectMapper json, KubeStatusException e) {
    json(ctx, request, json, e.code(), e.status());
  }

  static void send(
      ChannelHandlerContext ctx,
      HttpRequest request,
      HttpResponseStatus status,
      String contentType,
      byte[] body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, private");
    HttpUtil.setContentLength(response, body.length);
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    var future = ctx.writeAndFlush(response);
    if (!keepAlive) {
      future.addListener(ChannelFutureListener.CLOSE);
    }
  }

  static byte[] bytes(ObjectMapper json, JsonNode node) {
    try {
      return json.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
