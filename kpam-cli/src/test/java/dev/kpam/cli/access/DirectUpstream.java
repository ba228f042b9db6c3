package dev.kpam.cli.access;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The test {@link Upstream}: instead of a relay stream, a plain TCP connection to a {@link
 * TestGateway}, then the same inner TLS and identity check as in production.
 */
final class DirectUpstream implements Upstream {
  final AtomicInteger opened = new AtomicInteger();
  private final int port;
  private final SessionTls tls;

  DirectUpstream(int port, SessionTls tls) {
    this.port = port;
    this.tls = tls;
  }

  @Override
  public CompletionStage<Channel> open(EventLoop loop) {
    opened.incrementAndGet();
    CompletableFuture<Channel> connected = new CompletableFuture<>();
    new Bootstrap()
        .group(loop)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.AUTO_READ, false)
        .handler(new ChannelInboundHandlerAdapter())
        .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    connected.complete(f.channel());
                  } else {
                    connected.completeExceptionally(f.cause());
                  }
                });
    return connected.thenCompose(
        channel -> GatewayTls.secure(channel, tls.inner(), tls.gatewayId()));
  }
}
