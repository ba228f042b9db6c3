package dev.kpam.gateway.proxy;

import dev.kpam.gateway.record.RequestRecord;
import dev.kpam.gateway.record.SessionEvents;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;

/**
 * Records every HTTP exchange of the connection as it passes, right after the HTTP codec: so it
 * sees what kubectl sent before anything is sanitized or injected, and every answer, kpam's own
 * included. Each request gets a {@link RequestRecord} (the oldest open one is the one being
 * answered, HTTP/1.1 keeps the order); it ends when the response's last piece is written, or when
 * the connection closes. Removed by {@link ProtocolSwitch} after a 101: upgraded bytes are the
 * stream taps' business.
 */
final class ExchangeRecorder extends ChannelDuplexHandler {
  private final ProxyConnection connection;
  private final SessionEvents events;
  private final ArrayDeque<Open> open = new ArrayDeque<>();
  private ChannelHandlerContext ctx;

  /** The gateway drains: the connection closes once no exchange is under way. */
  private boolean draining;

  /** The status of the response being written. */
  private int answering;

  private record Open(HttpRequest request, RequestRecord record) {}

  ExchangeRecorder(ProxyConnection connection, SessionEvents events) {
    this.connection = connection;
    this.events = events;
  }

  /** The id of {@code request}'s record, which names its events and its stream's recording. */
  String requestId(HttpRequest request) {
    for (Open o : open) {
      if (o.request == request) {
        return o.record.id();
      }
    }
    return RequestIds.next();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /**
   * The gateway stops (on the connection's event loop): an idle connection closes now, a busy one
   * answers with {@code Connection: close} and closes after its last response. After a protocol
   * switch this handler is gone and the stream goes on.
   */
  void drain() {
    if (ctx == null || ctx.isRemoved()) {
      return;
    }
    draining = true;
    if (open.isEmpty()) {
      ctx.close();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      HttpHeaders h = request.headers();
      RequestRecord.Headers kept =
          new RequestRecord.Headers(
              h.get(HttpHeaderNames.USER_AGENT),
              h.get("Kubectl-Command"),
              h.get("Kubectl-Session"),
              h.get(HttpHeaderNames.CONTENT_TYPE));
      RequestRecord record =
          new RequestRecord(
              events,
              connection.sessionId,
              RequestIds.next(),
              request.method().name(),
              request.uri(),
              kept);
      open.add(new Open(request, record));
      // Before it goes upstream: a gateway that dies during it still leaves a record.
      record.opened(HeaderSanitizer.isUpgrade(h));
    }
    if (msg instanceof HttpContent content && !open.isEmpty()) {
      open.peekLast().record.bodyIn(content.content());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    Open head = open.peek();
    if (head != null) {
      RequestRecord record = head.record;
      if (msg instanceof HttpResponse response) {
        int code = response.status().code();
        answering = code;
        record.status(code);
        record.responseType(
            response.headers().get(HttpHeaderNames.CONTENT_TYPE),
            response.headers().contains(HttpHeaderNames.CONTENT_ENCODING));
        if (response instanceof KubeStatus.Answer answer) {
          record.error(answer.kubeStatus().message());
        }
        if (code == 101) {
          record.upgrade(ProtocolSwitch.protocol(response));
        } else if (draining) {
          HttpUtil.setKeepAlive(response, false);
        }
      }
      if (msg instanceof HttpContent content) {
        record.bodyOut(content.content());
      }
      if (msg instanceof LastHttpContent) {
        open.poll();
        if (promise.isVoid()) {
          record.end();
        } else {
          promise.addListener(f -> record.end());
        }
        if (draining && open.isEmpty() && answering != 101) {
          ChannelPromise written = promise.unvoid();
          ctx.writeAndFlush(msg, written).addListener(ChannelFutureListener.CLOSE);
          return;
        }
      }
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    endAll();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    endAll();
  }

  /** The connection went away (or switched protocols): what is open ends as far as it got. */
  private void endAll() {
    Open o;
    while ((o = open.poll()) != null) {
      o.record.end();
    }
  }
}
