package dev.kpam.cli.access;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the gateway's responses on a pooled connection back to the kubectl connection it is lent
 * to ({@link #bind}), piece by piece (a watch or {@code logs -f} never buffers), reading the next
 * pieces when those of the previous read were written. Tells the {@link RequestForwarder} when a
 * response is complete. After a {@code 101 Switching Protocols} it hands both connections to {@link
 * UpgradeRewire}. While the connection is idle in its {@link GatewayPool} a byte from the gateway
 * is a broken peer: the connection closes.
 */
final class ResponseForwarder extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ResponseForwarder.class);

  private Channel kubectl;
  private RequestForwarder requests;
  private boolean switching;
  private boolean informational;
  private boolean keepAlive;
  private boolean answered;
  private boolean jsonStream;
  private boolean textStream;
  private boolean endsLine = true;
  private HttpResponse switchingResponse;
  private ChannelFuture lastWrite;
  private boolean unflushed;

  /** Lends the connection to one kubectl connection until {@link #unbind}. */
  void bind(Channel kubectl, RequestForwarder requests) {
    this.kubectl = kubectl;
    this.requests = requests;
    this.switching = false;
    this.answered = false;
    this.jsonStream = false;
    this.textStream = false;
    this.endsLine = true;
    this.lastWrite = null;
    this.unflushed = false;
  }

  void unbind() {
    kubectl = null;
    requests = null;
  }

  /** Whether any byte of a response arrived since {@link #bind}. */
  boolean answered() {
    return answered;
  }

  /** Whether the response under way is a 200 of chunked JSON (as a watch's, not protobuf). */
  boolean jsonStream() {
    return jsonStream;
  }

  /** Whether the response under way is a 200 of chunked plain text (as {@code logs -f}'s). */
  boolean textStream() {
    return textStream;
  }

  /** Whether the body so far is empty or ends with a line feed. */
  boolean endsLine() {
    return endsLine;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (kubectl == null || !(msg instanceof HttpObject)) {
      ReferenceCountUtil.release(msg);
      log.debug("unexpected {} from the gateway; closing", msg.getClass().getSimpleName());
      closeBoth(ctx);
      return;
    }
    answered = true;
    if (msg instanceof HttpResponse response) {
      int code = response.status().code();
      switching = code == HttpResponseStatus.SWITCHING_PROTOCOLS.code();
      switchingResponse = switching ? response : null;
      informational = !switching && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
      keepAlive = HttpUtil.isKeepAlive(response);
      boolean chunked =
          code == HttpResponseStatus.OK.code() && HttpUtil.isTransferEncodingChunked(response);
      String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
      jsonStream = chunked && type.startsWith(HttpHeaderValues.APPLICATION_JSON.toString());
      textStream = chunked && type.startsWith(HttpHeaderValues.TEXT_PLAIN.toString());
    }
    if (msg instanceof HttpContent content && content.content().isReadable()) {
      ByteBuf body = content.content();
      endsLine = body.getByte(body.writerIndex() - 1) == '\n';
    }
    boolean last = msg instanceof LastHttpContent;
    if (switching) {
      // Both messages of a 101 come out of one decode; no further read until the rewire.
      lastWrite = kubectl.writeAndFlush(msg);
      if (last) {
        UpgradeRewire.toBytePipe(kubectl, ctx.channel(), switchingResponse);
      }
      return;
    }
    boolean ended = last && !informational;
    boolean reusable = keepAlive;
    RequestForwarder exchange = requests;
    lastWrite =
        kubectl
            .write(msg)
            .addListener(
                (ChannelFutureListener)
                    written -> {
                      if (!written.isSuccess()) {
                        closeBoth(ctx);
                      } else if (ended) {
                        exchange.responseEnded(reusable);
                      }
                    });
    unflushed = true;
  }

  /** What one read brought goes to kubectl in one flush; the next read waits until it is out. */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (unflushed) {
      unflushed = false;
      ChannelFuture written = lastWrite; // the flush may end the exchange and lend the connection
      kubectl.flush();
      written.addListener(done -> ctx.read());
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // The codec has already passed on what the gateway sent before closing.
    if (requests != null) {
      requests.gatewayClosed(ctx.channel(), lastWrite);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("gateway connection {} failed", ctx.channel(), cause);
    closeBoth(ctx);
  }

  private void closeBoth(ChannelHandlerContext ctx) {
    ctx.close(); // the forwarder, if bound, learns of it in channelInactive
  }
}
