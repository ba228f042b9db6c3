package dev.kpam.cli.access;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the gateway's responses back to kubectl piece by piece (a watch or {@code logs -f} never
 * buffers), reading the next pieces when those of the previous read were written. After a {@code
 * 101 Switching Protocols} it hands both connections to {@link UpgradeRewire}.
 */
final class ResponseForwarder extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ResponseForwarder.class);

  private final Channel kubectl;
  private final RequestForwarder requests;
  private boolean switching;
  private ChannelFuture lastWrite;
  private boolean unflushed;

  ResponseForwarder(Channel kubectl, RequestForwarder requests) {
    this.kubectl = kubectl;
    this.requests = requests;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject)) {
      ReferenceCountUtil.release(msg);
      log.debug("unexpected {} from the gateway; closing", msg.getClass().getSimpleName());
      closeBoth(ctx);
      return;
    }
    if (msg instanceof HttpResponse response) {
      switching = response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code();
    }
    boolean last = msg instanceof LastHttpContent;
    if (switching) {
      // Both messages of a 101 come out of one decode; no further read until the rewire.
      lastWrite = kubectl.writeAndFlush(msg);
      if (last) {
        UpgradeRewire.toBytePipe(kubectl, ctx.channel());
      }
      return;
    }
    lastWrite =
        kubectl
            .write(msg)
            .addListener(
                (ChannelFutureListener)
                    written -> {
                      if (!written.isSuccess()) {
                        closeBoth(ctx);
                      } else if (last) {
                        requests.upgradeRefused();
                      }
                    });
    unflushed = true;
  }

  /** What one read brought goes to kubectl in one flush; the next read waits until it is out. */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (unflushed) {
      unflushed = false;
      kubectl.flush();
      lastWrite.addListener(written -> ctx.read());
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // The codec has already passed on what the gateway sent before closing.
    closeKubectlAfterLastWrite();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("gateway connection {} failed", ctx.channel(), cause);
    closeBoth(ctx);
  }

  private void closeBoth(ChannelHandlerContext ctx) {
    ctx.close();
    closeKubectlAfterLastWrite();
  }

  /** What was read from the gateway before it went away still reaches kubectl. */
  private void closeKubectlAfterLastWrite() {
    if (lastWrite == null) {
      kubectl.close();
    } else {
      kubectl.flush();
      lastWrite.addListener(written -> kubectl.close());
    }
  }
}
