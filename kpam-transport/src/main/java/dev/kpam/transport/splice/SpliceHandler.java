package dev.kpam.transport.splice;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One direction of a {@link Splice}: forwards what its channel reads to {@code peer}. The messages
 * of one read are written together and flushed once when the read completes (one TLS record run and
 * one system call instead of one per message); the next read waits for the last of them.
 */
final class SpliceHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(SpliceHandler.class);

  private final Channel peer;
  private ChannelFuture lastWrite;

  SpliceHandler(Channel peer) {
    this.peer = peer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    // Ownership of msg passes to the write; the peer releases it, also when the write fails.
    lastWrite = peer.write(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ChannelFuture written = lastWrite;
    if (written == null) {
      return; // nothing was read; the transport keeps its read pending
    }
    lastWrite = null;
    peer.flush();
    written.addListener(
        (ChannelFutureListener)
            done -> {
              if (done.isSuccess()) {
                if (!ctx.executor().isShuttingDown()) { // a relay or proxy that is stopping
                  ctx.channel().read();
                }
              } else {
                ctx.channel().close();
                peer.close();
              }
            });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    flushAndClose(peer);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("spliced channel {} failed, closing both sides", ctx.channel(), cause);
    ctx.close();
    flushAndClose(peer); // what was read before the failure still goes out
  }

  static void flushAndClose(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }
}
