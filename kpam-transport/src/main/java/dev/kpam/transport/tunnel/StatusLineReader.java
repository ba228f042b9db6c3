package dev.kpam.transport.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Dialer side: after the TLS handshake sends the hello, reads exactly one status line and then
 * leaves the pipeline, handing any bytes that followed the line to a {@link PendingBytes}.
 */
final class StatusLineReader extends ChannelInboundHandlerAdapter {
  static final String NAME = "relay-status";

  private final CompletableFuture<Channel> result;
  private final Duration timeout;

  // A plain array, not a buffer: nothing to release when the dial dies with its event loop (the
  // local proxy dials ahead of need, and closing it may cut dials short before their pipeline is
  // torn down).
  private final byte[] received = new byte[RelayWire.MAX_STATUS_LINE];
  private int length;
  private ScheduledFuture<?> timer;

  StatusLineReader(CompletableFuture<Channel> result, Duration timeout) {
    this.result = result;
    this.timeout = timeout;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    timer =
        ctx.executor()
            .schedule(
                () -> fail(ctx, new IOException("the relay did not answer within " + timeout)),
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent) {
      SslHandshakeCompletionEvent handshake = (SslHandshakeCompletionEvent) evt;
      if (handshake.isSuccess()) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(RelayWire.hello()));
        ctx.read();
      } else {
        fail(ctx, handshake.cause());
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf bytes = (ByteBuf) msg;
    try {
      if (result.isDone()) {
        return;
      }
      int newline = bytes.indexOf(bytes.readerIndex(), bytes.writerIndex(), (byte) '\n');
      int wanted = newline < 0 ? bytes.readableBytes() : newline - bytes.readerIndex() + 1;
      if (wanted > received.length - length) {
        fail(
            ctx,
            new IOException(
                "the relay sent no status line within " + RelayWire.MAX_STATUS_LINE + " bytes"));
        return;
      }
      bytes.readBytes(received, length, wanted);
      length += wanted;
      if (newline >= 0) {
        lineComplete(ctx, new String(received, 0, length, StandardCharsets.UTF_8), bytes);
      }
    } finally {
      bytes.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!result.isDone()) {
      ctx.read();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(ctx, new IOException("the relay closed the connection before answering"));
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(
        ctx,
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause);
  }

  private void lineComplete(ChannelHandlerContext ctx, String line, ByteBuf rest) {
    String text = line.substring(0, line.length() - 1);
    if (text.equals(RelayWire.OK)) {
      if (rest.isReadable()) {
        ctx.pipeline().addAfter(NAME, PendingBytes.NAME, new PendingBytes(rest.retainedSlice()));
      }
      ctx.pipeline().remove(this);
      result.complete(ctx.channel());
    } else if (text.startsWith(RelayWire.ERR_PREFIX)) {
      String codeAndMessage = text.substring(RelayWire.ERR_PREFIX.length());
      int space = codeAndMessage.indexOf(' ');
      String code = space < 0 ? codeAndMessage : codeAndMessage.substring(0, space);
      String message = space < 0 ? "" : codeAndMessage.substring(space + 1);
      fail(ctx, new RelayRefusedException(code, message));
    } else {
      fail(ctx, new IOException("the relay answered with an unexpected line: " + printable(text)));
    }
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (result.completeExceptionally(cause)) {
      ctx.close();
    }
  }

  private static String printable(String text) {
    String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }
}
