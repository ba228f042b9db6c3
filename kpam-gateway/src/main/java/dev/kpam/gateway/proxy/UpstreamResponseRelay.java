package dev.kpam.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Installed on an upstream connection for the duration of one {@link Exchange}: hands the API
 * server's response pieces to the client side's {@link UpstreamForwarder} (same event loop).
 */
final class UpstreamResponseRelay extends ChannelInboundHandlerAdapter {
  static final String NAME = "exchange";
  private final UpstreamForwarder forwarder;
  private final Exchange exchange;

  UpstreamResponseRelay(UpstreamForwarder forwarder, Exchange exchange) {
    this.forwarder = forwarder;
    this.exchange = exchange;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    forwarder.fromUpstream(exchange, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    forwarder.upstreamReadComplete(exchange);
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    forwarder.upstreamClosed(exchange);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
