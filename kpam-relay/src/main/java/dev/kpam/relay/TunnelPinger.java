package dev.kpam.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PINGs a tunnel every {@code interval} and closes it when no PING ACK came for {@code deadAfter}
 * (DATA-PLANE.md §2.4), so clients are not routed to a gateway that is gone.
 */
final class TunnelPinger extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(TunnelPinger.class);

  private final String gatewayId;
  private final Clock clock;
  private final Duration interval;
  private final Duration deadAfter;
  private long lastAckMillis;
  private long nextPayload;
  private ScheduledFuture<?> ticks;

  TunnelPinger(String gatewayId, Clock clock, Duration interval, Duration deadAfter) {
    this.gatewayId = gatewayId;
    this.clock = clock;
    this.interval = interval;
    this.deadAfter = deadAfter;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    lastAckMillis = clock.millis();
    ticks =
        ctx.executor()
            .scheduleAtFixedRate(
                () -> tick(ctx), interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    ticks.cancel(false);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Http2PingFrame && ((Http2PingFrame) msg).ack()) {
      lastAckMillis = clock.millis();
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    ticks.cancel(false);
    ctx.fireChannelInactive();
  }

  private void tick(ChannelHandlerContext ctx) {
    long silentMillis = clock.millis() - lastAckMillis;
    if (silentMillis > deadAfter.toMillis()) {
      log.warn(
          "tunnel of gateway {} from {} answered no PING for {} ms, closing it",
          gatewayId,
          ctx.channel().remoteAddress(),
          silentMillis);
      ctx.close();
      return;
    }
    ctx.writeAndFlush(new DefaultHttp2PingFrame(nextPayload++));
  }
}
