package dev.kpam.cli.access;

import dev.kpam.crypto.pki.KpamIdentity;
import dev.kpam.transport.tls.PeerIdentity;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The inner TLS to the gateway (DATA-PLANE.md §3): mutual, the session certificate on our side, and
 * a peer that chains to the kpam CA and carries {@code kpam://gateway/<gatewayId>}. Host names play
 * no part; the identity is checked after the handshake.
 */
final class GatewayTls {
  static final String NAME = "inner-tls";

  private GatewayTls() {}

  /**
   * Starts the inner TLS on {@code channel} (auto-read off, carrying bytes to the gateway) and
   * completes with it once the handshake is done and the peer is {@code gatewayId}; closes it and
   * fails otherwise.
   */
  static CompletionStage<Channel> secure(Channel channel, SslContext innerTls, String gatewayId) {
    CompletableFuture<Channel> result = new CompletableFuture<>();
    // Host and port only name the TLS session cache entry, so that later connections resume; no
    // host name is verified and the gateway ignores the server name.
    SslHandler tls = innerTls.newHandler(channel.alloc(), gatewayId + ".gateway.kpam", 443);
    channel.pipeline().addLast(NAME, tls);
    tls.handshakeFuture()
        .addListener(
            handshake -> {
              if (!handshake.isSuccess()) {
                channel.close();
                result.completeExceptionally(handshake.cause());
                return;
              }
              Optional<KpamIdentity> peer = PeerIdentity.of(tls.engine().getSession());
              boolean expected =
                  peer.isPresent()
                      && peer.get().kind() == KpamIdentity.Kind.GATEWAY
                      && peer.get().gatewayId().equals(gatewayId);
              if (!expected) {
                channel.close();
                result.completeExceptionally(
                    new GatewayIdentityException(
                        gatewayId,
                        peer.map(id -> "the identity " + id).orElse("no kpam identity")));
                return;
              }
              result.complete(channel);
            });
    channel.read();
    return result;
  }
}
