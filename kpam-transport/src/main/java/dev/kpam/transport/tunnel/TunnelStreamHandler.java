package dev.kpam.transport.tunnel;

import io.netty.channel.Channel;

/**
 * Receives the streams the relay opens on a gateway's tunnels, one per client connection. Called on
 * the stream's event loop; must not block.
 *
 * <p>{@code stream} carries {@code ByteBuf}s both ways and has auto-read off; install a pipeline,
 * then call {@code stream.read()} or turn auto-read on. Closing it half-closes the HTTP/2 stream
 * and closes the client's connection at the relay; it is closed when the client goes away.
 *
 * <pre>{@code
 * TunnelStreamHandler handler = (stream, info) -> {
 *   stream.pipeline().addLast(gatewayTls.newHandler(stream.alloc()), new Proxy(info)); stream.read(); };
 * }</pre>
 */
@FunctionalInterface
public interface TunnelStreamHandler {
  void onStream(Channel stream, TunnelStreamInfo info);
}
