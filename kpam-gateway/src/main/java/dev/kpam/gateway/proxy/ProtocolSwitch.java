package dev.kpam.gateway.proxy;

import dev.kpam.transport.spdy.SpdyStreams;
import dev.kpam.transport.websocket.WebSocketFrameBoundary;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The API server answered an upgrade with {@code 101 Switching Protocols}: forward the 101, then
 * rewire both pipelines from HTTP to a raw byte relay (STYLE.md: rewire, don't add modes). From
 * here on the bytes are SPDY/3.1 or WebSocket frames, seen by the {@link StreamTap}; the gateway
 * also follows the WebSocket frame boundaries or the SPDY streams itself, so that {@link
 * SessionTermination} can tell kubectl why its stream ends, and {@link ExpiryNotice} can tell the
 * person at a terminal that the session ends soon.
 */
final class ProtocolSwitch {
  static final String RELAY = "relay";
  private static final String SPDY = "SPDY/3.1";
  private static final String STREAM_PROTOCOL_VERSION = "X-Stream-Protocol-Version";

  private ProtocolSwitch() {}

  /** {@code forwarderCtx} is the client side's forwarder; runs on its event loop. */
  static void apply(
      ChannelHandlerContext forwarderCtx,
      ProxyConnection connection,
      Exchange exchange,
      HttpResponse switching,
      StreamTap.Factory taps,
      Clock clock) {
    Channel client = forwarderCtx.channel();
    Channel upstream = exchange.upstream;
    String protocol = protocol(switching);
    connection.upgradedProtocol = protocol;
    connection.upgradedUpstream = upstream;
    String streamProtocol = switching.headers().get(STREAM_PROTOCOL_VERSION);
    StreamTap tap =
        taps.open(
            new StreamTap.Upgrade(
                connection.sessionId,
                exchange.requestId,
                exchange.uri,
                protocol,
                streamProtocol,
                connection.lookup != null && connection.lookup.recordStdin()));
    Consumer<ByteBuf> fromClient = tap::fromClient;
    Consumer<ByteBuf> fromServer = tap::fromServer;
    String upgrade = switching.headers().get(HttpHeaderNames.UPGRADE, "").trim();
    if (upgrade.equalsIgnoreCase("websocket")) {
      WebSocketFrameBoundary frames = new WebSocketFrameBoundary();
      connection.serverFrames = frames;
      fromServer = gatewayThenTap(frames::observe, fromServer);
    } else if (upgrade.equalsIgnoreCase(SPDY)) {
      SpdyStreams streams = new SpdyStreams(tap.spdyListener());
      connection.spdyStreams = streams;
      connection.spdyStreamProtocol = streamProtocol;
      // Registered before tap.closed below: the tap hears of its streams' end first.
      client.closeFuture().addListener(f -> streams.close());
      fromClient = gatewayThenTap(streams::fromClient, fromClient);
      fromServer = gatewayThenTap(streams::fromServer, fromServer);
    }
    client.closeFuture().addListener(f -> tap.closed());
    if (connection.lookup != null) {
      ExpiryNotice.schedule(connection, exchange.uri, connection.lookup.expiresAt(), clock);
    }

    forwarderCtx.write(switching);
    forwarderCtx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    // The HTTP encoders go before anything moves: removing a decoder passes on the bytes it still
    // holds (the API server often sends its first frames in the same packet as the 101), and an
    // HTTP encoder still in place would refuse those raw bytes on the other leg.
    client.pipeline().get(HttpServerCodec.class).removeOutboundHandler();
    ((CombinedChannelDuplexHandler<?, ?>) upstream.pipeline().get(UpstreamPools.HTTP))
        .removeOutboundHandler();

    // Upstream first: bytes left in the client's decoder flow as soon as its codec is removed.
    upstream
        .pipeline()
        .replace(UpstreamResponseRelay.NAME, RELAY, new ByteRelay(client, fromServer));
    upstream.pipeline().remove(UpstreamPools.HTTP);
    client.pipeline().replace(forwarderCtx.name(), RELAY, new ByteRelay(upstream, fromClient));
    client.pipeline().remove(ExchangeRecorder.class);
    client.pipeline().remove(CredentialInjector.class);
    client.pipeline().remove(HeaderSanitizer.class);
    client.pipeline().remove(SessionCheck.class);
    client.pipeline().remove(HttpServerCodec.class);
  }

  private static Consumer<ByteBuf> gatewayThenTap(
      Consumer<ByteBuf> gateway, Consumer<ByteBuf> tap) {
    return gateway.andThen(tap);
  }

  /** {@code SPDY/3.1}, or the WebSocket subprotocol the server chose. */
  static String protocol(HttpResponse switching) {
    String subprotocol = switching.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
    if (subprotocol != null) {
      return subprotocol.trim();
    }
    String upgrade = switching.headers().get(HttpHeaderNames.UPGRADE);
    return upgrade == null ? "unknown" : upgrade.trim();
  }
}
