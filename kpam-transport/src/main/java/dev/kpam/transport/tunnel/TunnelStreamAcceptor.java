package dev.kpam.transport.tunnel;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gateway side of a stream the relay opened: reads its HEADERS (DATA-PLANE.md §2.3), answers {@code
 * :status 200}, rewires the stream to bytes and hands it to the {@link TunnelStreamHandler}.
 */
final class TunnelStreamAcceptor extends ChannelInboundHandlerAdapter {
  static final String SESSION_HEADER = "kpam-session";
  static final String CLIENT_ADDRESS_HEADER = "kpam-client-address";
  private static final Logger log = LoggerFactory.getLogger(TunnelStreamAcceptor.class);

  private final TunnelStreamHandler handler;
  private final String relayAddress;
  private boolean accepted;

  TunnelStreamAcceptor(TunnelStreamHandler handler, String relayAddress) {
    this.handler = handler;
    this.relayAddress = relayAddress;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Http2HeadersFrame)) {
      ReferenceCountUtil.release(msg);
      refuse(ctx, "400", "a stream must start with HEADERS");
      return;
    }
    Http2Headers headers = ((Http2HeadersFrame) msg).headers();
    CharSequence session = headers.get(SESSION_HEADER);
    CharSequence client = headers.get(CLIENT_ADDRESS_HEADER);
    if (session == null || client == null || ((Http2HeadersFrame) msg).isEndStream()) {
      refuse(ctx, "400", "stream HEADERS without kpam-session or kpam-client-address");
      return;
    }
    accepted = true;
    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
    ctx.pipeline().replace(this, StreamFrames.NAME, new StreamFrames());
    try {
      handler.onStream(
          ctx.channel(), new TunnelStreamInfo(session.toString(), client.toString(), relayAddress));
    } catch (RuntimeException e) {
      log.error("stream handler failed for session {}, closing the stream", session, e);
      ctx.channel().close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!accepted) {
      ctx.read();
    }
    ctx.fireChannelReadComplete();
  }

  private void refuse(ChannelHandlerContext ctx, String status, String why) {
    log.warn("refusing stream from relay {}: {}", relayAddress, why);
    accepted = true;
    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(status), true))
        .addListener(f -> ctx.channel().close());
  }
}
