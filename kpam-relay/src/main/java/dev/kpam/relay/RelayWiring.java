package dev.kpam.relay;

import dev.kpam.crypto.pki.KpamIdentity;
import dev.kpam.transport.tunnel.TunnelWindows;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.SslContext;

/**
 * The relay's pipelines, in one place: what every accepted connection starts with, what a tunnel
 * becomes, and what a client's dial becomes.
 */
final class RelayWiring extends ChannelInitializer<Channel> {
  private final SslContext tls;
  private final TunnelRegistry tunnels;
  private final RelayConfig config;

  RelayWiring(SslContext tls, TunnelRegistry tunnels, RelayConfig config) {
    this.tls = tls;
    this.tunnels = tunnels;
    this.config = config;
  }

  @Override
  protected void initChannel(Channel ch) {
    ch.pipeline()
        .addLast("tls", tls.newHandler(ch.alloc()))
        .addLast("classify", new PeerClassifier(this));
  }

  /** Rewires a gateway's connection, after {@code classifier}, as an HTTP/2 client tunnel. */
  void installTunnel(ChannelHandlerContext classifier, String gatewayId) {
    Channel tunnel = classifier.channel();
    classifier
        .pipeline()
        .addAfter(
            classifier.name(),
            "h2",
            Http2FrameCodecBuilder.forClient()
                .initialSettings(TunnelWindows.settings().pushEnabled(false))
                .build())
        .addAfter("h2", "h2-streams", new Http2MultiplexHandler(new RefuseGatewayStreams()))
        .addAfter(
            "h2-streams",
            "ping",
            new TunnelPinger(gatewayId, config.clock(), config.pingInterval(), config.deadAfter()));
    TunnelWindows.widenConnectionWindow(tunnel);
    tunnels.add(gatewayId, tunnel);
  }

  SessionConnector sessionConnector(KpamIdentity session) {
    return new SessionConnector(session, tunnels, config);
  }

  /** The gateway is the HTTP/2 server of the tunnel and has no business opening streams. */
  private static final class RefuseGatewayStreams extends ChannelInitializer<Channel> {
    @Override
    protected void initChannel(Channel stream) {
      stream.close();
    }
  }
}
