package dev.kpam.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Consumer;

/**
 * One direction of an upgraded stream: every buffer read here is written to {@code peer}, and the
 * next read happens only when that write has completed (auto-read is off on both legs). Leftovers
 * of the removed HTTP codecs (an empty last content) are dropped. Closing one leg closes the other
 * after flushing.
 */
final class ByteRelay extends ChannelInboundHandlerAdapter {
  private final Channel peer;
  private final Consumer<ByteBuf> observer;

  /**
   * {@code observer} sees a read-only view of every buffer before it goes to {@code peer}; it must
   * not keep, modify or release it, nor throw.
   */
  ByteRelay(Channel peer, Consumer<ByteBuf> observer) {
    this.peer = peer;
    this.observer = observer;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf bytes)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!bytes.isReadable()) {
      bytes.release();
      ctx.read();
      return;
    }
    observer.accept(bytes.asReadOnly());
    peer.writeAndFlush(bytes)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    ctx.read();
                  } else {
                    ctx.close();
                  }
                });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (peer.isActive()) {
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
