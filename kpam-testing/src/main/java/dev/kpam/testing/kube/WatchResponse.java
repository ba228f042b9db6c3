package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * One watch: a chunked response of JSON lines {@code {"type":…,"object":…}} that lasts until the
 * client goes away, the server closes, or the client's own {@code timeoutSeconds} ends it. A client
 * that reads too slowly to keep the channel writable is cut off, as the real server drops slow
 * watchers, so nothing queues without bound.
 */
final class WatchResponse {
  private final ChannelHandlerContext ctx;
  private final ObjectMapper json;
  private final ObjectStore store;
  private final ResourceType type;
  private final boolean table;
  private final String includeObject;
  private final AtomicBoolean ended = new AtomicBoolean();

  WatchResponse(
      ChannelHandlerContext ctx,
      ObjectMapper json,
      ObjectStore store,
      ResourceType type,
      boolean table,
      String includeObject) {
    this.ctx = ctx;
    this.json = json;
    this.store = store;
    this.type = type;
    this.table = table;
    this.includeObject = includeObject;
  }

  void start(
      HttpRequest request,
      String namespace,
      Predicate<ObjectNode> selector,
      Long fromResourceVersion,
      String timeoutSeconds) {
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, private");
    ctx.writeAndFlush(response);
    Channel channel = ctx.channel();
    AutoCloseable subscription;
    try {
      subscription = store.watch(type, namespace, selector, fromResourceVersion, this::send);
    } catch (KubeStatusException e) {
      ObjectNode error = json.createObjectNode().put("type", "ERROR");
      error.set("object", e.status());
      write(error);
      end();
      return;
    }
    channel.closeFuture().addListener(f -> subscription.close());
    if (timeoutSeconds != null && !timeoutSeconds.isEmpty()) {
      channel
          .eventLoop()
          .schedule(
              () -> {
                close(subscription);
                end();
              },
              Long.parseLong(timeoutSeconds),
              TimeUnit.SECONDS);
    }
  }

  private void send(ObjectStore.Event event) {
    if (ended.get()) {
      return;
    }
    if (!ctx.channel().isWritable()) {
      ctx.channel().close();
      return;
    }
    ObjectNode line = json.createObjectNode().put("type", event.type());
    line.set(
        "object",
        table
            ? Tables.table(
                type, List.of(event.object()), event.resourceVersion(), includeObject, store.now())
            : event.object());
    write(line);
  }

  private void write(ObjectNode line) {
    byte[] bytes = Responses.bytes(json, line);
    byte[] withNewline = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    withNewline[bytes.length] = '\n';
    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(withNewline)));
  }

  private void end() {
    if (ended.compareAndSet(false, true)) {
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
  }

  private static void close(AutoCloseable subscription) {
    try {
      subscription.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
