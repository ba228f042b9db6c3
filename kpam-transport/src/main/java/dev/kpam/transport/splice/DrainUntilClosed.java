package dev.kpam.transport.splice;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Takes the place of the client's splice or relay once kpam has written the last frames of an
 * upgraded stream and the upstream is gone: what kubectl still sends is read and dropped, so that
 * its own close is noticed (auto-read is off), and after {@code grace} the connection is closed
 * anyway.
 *
 * <pre>{@code
 * kubectl.pipeline().replace("splice", "drain", new DrainUntilClosed(SpdyStreams.CLOSE_GRACE));
 * }</pre>
 */
public final class DrainUntilClosed extends ChannelInboundHandlerAdapter {
  private final Duration grace;
  private ScheduledFuture<?> deadline;

  public DrainUntilClosed(Duration grace) {
    this.grace = grace;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    deadline = ctx.executor().schedule(() -> ctx.close(), grace.toMillis(), TimeUnit.MILLISECONDS);
    ctx.channel().closeFuture().addListener(f -> deadline.cancel(false));
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.read();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
