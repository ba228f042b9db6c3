package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * {@code GET /api/v1/namespaces/N/pods/P/log}: the pod's log as text; with {@code follow=true} a
 * chunked response that carries every appended line until the client or the server closes it.
 */
final class LogHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final ObjectStore store;
  private final ResourceType pods;
  private final BiFunction<String, String, PodRuntime> runtimes;
  private final ObjectMapper json;

  LogHandler(
      ObjectStore store,
      ResourceType pods,
      BiFunction<String, String, PodRuntime> runtimes,
      ObjectMapper json) {
    super(false);
    this.store = store;
    this.pods = pods;
    this.runtimes = runtimes;
    this.json = json;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    QueryStringDecoder query = new QueryStringDecoder(request.uri());
    Optional<ResourcePath> path =
        ResourcePath.parse(query.path()).filter(p -> p.isPodSubresource("log"));
    if (path.isEmpty()) {
      ctx.fireChannelRead(request);
      return;
    }
    try {
      store.get(pods, path.get().namespace(), path.get().name());
      boolean follow = "true".equals(ResourceHandler.param(query.parameters(), "follow"));
      HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
      response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      ctx.write(response);
      PodRuntime runtime = runtimes.apply(path.get().namespace(), path.get().name());
      AutoCloseable following = runtime.follow(line -> write(ctx, line), follow);
      if (follow) {
        ctx.flush();
        ctx.channel().closeFuture().addListener(f -> following.close());
      } else {
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      }
    } catch (KubeStatusException e) {
      Responses.status(ctx, request, json, e);
    } finally {
      request.release();
    }
  }

  private static void write(ChannelHandlerContext ctx, String line) {
    if (!ctx.channel().isWritable()) {
      ctx.channel().close();
      return;
    }
    ctx.writeAndFlush(new DefaultHttpContent(ByteBufUtil.writeUtf8(ctx.alloc(), line)));
  }
}
