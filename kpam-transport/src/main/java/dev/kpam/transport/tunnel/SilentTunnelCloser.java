package dev.kpam.transport.tunnel;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a tunnel that received nothing, not even the relay's PING, for {@code deadAfter}
 * (DATA-PLANE.md §2.4): the relay or the path to it is gone and a new dial is needed.
 */
final class SilentTunnelCloser extends IdleStateHandler {
  private static final Logger log = LoggerFactory.getLogger(SilentTunnelCloser.class);

  private final Duration deadAfter;

  SilentTunnelCloser(Duration deadAfter) {
    super(deadAfter.toNanos(), 0, 0, TimeUnit.NANOSECONDS);
    this.deadAfter = deadAfter;
  }

  @Override
  protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
    log.warn("tunnel {} silent for {}, closing it", ctx.channel().remoteAddress(), deadAfter);
    ctx.close();
  }
}
