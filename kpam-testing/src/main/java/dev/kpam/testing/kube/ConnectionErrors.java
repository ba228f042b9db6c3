package dev.kpam.testing.kube;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The last handler of every connection: a failure that reaches it (typically a client resetting the
 * connection when kubectl exits) ends the connection, as it would end a real server's.
 */
final class ConnectionErrors extends ChannelInboundHandlerAdapter {
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
