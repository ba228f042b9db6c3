package dev.kpam.transport.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * Holds bytes that arrived in the same read as the relay's status line until the dialer's caller
 * asks for its first read, then delivers them and leaves the pipeline.
 */
final class PendingBytes extends ChannelDuplexHandler {
  static final String NAME = "relay-pending-bytes";

  private ByteBuf pending;

  PendingBytes(ByteBuf pending) {
    this.pending = pending;
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    ByteBuf bytes = pending;
    pending = null;
    ctx.pipeline().remove(this);
    if (bytes != null) {
      ctx.fireChannelRead(bytes);
      ctx.fireChannelReadComplete();
    } else {
      ctx.read();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }
}
