package dev.kpam.cli.access;

import dev.kpam.transport.splice.Splice;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * After a {@code 101 Switching Protocols} (SPDY/3.1 or WebSocket for exec, attach, port-forward)
 * the bytes are no longer HTTP/1.1: the HTTP handlers leave both pipelines and a raw byte {@link
 * Splice} joins them. Runs on the shared event loop of both channels, right after the 101 was
 * written, before either side reads again.
 */
final class UpgradeRewire {
  private UpgradeRewire() {}

  /** {@code switching}: the 101; the stream it opened gets a {@link LostGatewayStatus}. */
  static void toBytePipe(Channel kubectl, Channel gateway, HttpResponse switching) {
    // Encoders first: removing a decoder passes on the bytes it still holds (frames that came in
    // the same packet as the 101), and an HTTP encoder still in place would refuse them.
    kubectl.pipeline().get(HttpServerCodec.class).removeOutboundHandler();
    gateway.pipeline().get(HttpClientCodec.class).removeOutboundHandler();
    kubectl.pipeline().remove(LocalTokenCheck.class);
    kubectl.pipeline().remove(RequestForwarder.class);
    gateway.pipeline().remove(ResponseForwarder.class);
    Splice.join(kubectl, gateway);
    LostGatewayStatus.follow(switching, kubectl, gateway);
    // Removing a codec passes the bytes it still holds on to the splice.
    kubectl.pipeline().remove(HttpServerCodec.class);
    gateway.pipeline().remove(HttpClientCodec.class);
  }
}
