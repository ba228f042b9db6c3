package dev.kpam.relay;

import dev.kpam.crypto.pki.KpamIdentity;
import dev.kpam.transport.tunnel.TunnelWindows;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.TimeUnit;

/**
 * The relay's pipelines, in one place: what every accepted connection starts with, what a tunnel
 * becomes, and what a client's dial becomes.
 */
final class RelayWiring extends ChannelInitializer<Channel> {
  private final SslContext tls;
  private final TunnelRegistry tunnels;
  private final RelayConfig config;
  private final ChannelGroup connections;
  private final ChannelGroup clients;
  private final ConnectionLimit perSession;
  private final ConnectionLimit perGateway;

  RelayWiring(
      SslContext tls,
      TunnelRegistry tunnels,
      RelayConfig config,
      ChannelGroup connections,
      ChannelGroup clients) {
    this.tls = tls;
    this.tunnels = tunnels;
    this.config = config;
    this.connections = connections;
    this.clients = clients;
    this.perSession = new ConnectionLimit(config.limits().maxConnectionsPerSession());
    this.perGateway = new ConnectionLimit(config.limits().maxTunnelsPerGateway());
  }

  @Override
  protected void initChannel(Channel ch) {
    connections.add(ch);
    SslHandler handshake = tls.newHandler(ch.alloc());
    // Netty's default is 10 s too; set here so that the bound is the relay's, not a library's.
    handshake.setHandshakeTimeout(
        config.limits().handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    ch.pipeline()
        .addLast("tls", handshake)
        .addLast("classify", new PeerClassifier(this, config.limits().firstBytesTimeout()));
  }

  /** Counts a client connection of {@code sessionId} until it closes; false if it has too many. */
  boolean admitClient(Channel client, String sessionId) {
    if (!perSession.admit(sessionId, client)) {
      return false;
    }
    clients.add(client);
    return true;
  }

  /** Counts a tunnel of {@code gatewayId} until it closes; false if it has too many. */
  boolean admitTunnel(Channel tunnel, String gatewayId) {
    return perGateway.admit(gatewayId, tunnel);
  }

  RelayLimits limits() {
    return config.limits();
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
            new TunnelPinger(gatewayId, config.clock(), config.pingInterval(), config.deadAfter()))
        .addAfter("ping", "goaway", new Draining(gatewayId));
    TunnelWindows.widenConnectionWindow(tunnel);
    tunnels.add(gatewayId, tunnel);
  }

  SessionConnector sessionConnector(KpamIdentity session) {
    return new SessionConnector(session, tunnels, config);
  }

  /**
   * A GOAWAY from the gateway: the instance is stopping (docs/OPERATIONS.md §5). New sessions'
   * connections go to the gateway's other tunnels from now on; the streams open on this one go on
   * until the gateway closes it.
   */
  private final class Draining extends ChannelInboundHandlerAdapter {
    private final String gatewayId;

    Draining(String gatewayId) {
      this.gatewayId = gatewayId;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2GoAwayFrame goAway) {
        goAway.release();
        tunnels.retire(gatewayId, ctx.channel());
        return;
      }
      ctx.fireChannelRead(msg);
    }
  }

  /** The gateway is the HTTP/2 server of the tunnel and has no business opening streams. */
  private static final class RefuseGatewayStreams extends ChannelInitializer<Channel> {
    @Override
    protected void initChannel(Channel stream) {
      stream.close();
    }
  }
}
