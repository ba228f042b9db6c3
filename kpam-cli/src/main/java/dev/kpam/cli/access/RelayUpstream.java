package dev.kpam.cli.access;

import dev.kpam.transport.tunnel.RelayDialer;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

/**
 * The production {@link Upstream}: a relay stream (outer TLS with the session certificate, then the
 * relay's status line) and inside it the inner TLS to the gateway. Both TLS contexts are made once
 * per session so that repeat handshakes resume.
 */
final class RelayUpstream implements Upstream {
  private final RelayDialer dialer;
  private final InetSocketAddress relay;
  private final SessionTls tls;

  RelayUpstream(RelayDialer dialer, InetSocketAddress relay, SessionTls tls) {
    this.dialer = dialer;
    this.relay = relay;
    this.tls = tls;
  }

  @Override
  public CompletionStage<Channel> open(EventLoop loop) {
    return dialer
        .dial(loop, relay, tls.outer())
        .thenCompose(channel -> GatewayTls.secure(channel, tls.inner(), tls.gatewayId()));
  }
}
