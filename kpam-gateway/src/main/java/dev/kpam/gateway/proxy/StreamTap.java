package dev.kpam.gateway.proxy;

import io.netty.buffer.ByteBuf;

/**
 * Sees the raw bytes of an upgraded stream (exec, attach, port-forward) in both directions, for the
 * recording of issue #4. It must not keep, modify or release the buffers (it gets read-only views)
 * and must not block: it runs on the connection's event loop.
 *
 * <pre>{@code
 * StreamTap tap = new StreamTap() { public void fromServer(ByteBuf b) { frames.feed(b); } };
 * StreamTap.Factory factory = (sessionId, request, protocol) -> tap;
 * }</pre>
 */
public interface StreamTap {
  StreamTap NONE = new StreamTap() {};

  /** Bytes kubectl sent towards the API server. */
  default void fromClient(ByteBuf bytes) {}

  /** Bytes the API server sent towards kubectl. */
  default void fromServer(ByteBuf bytes) {}

  /** The stream ended (either side closed). */
  default void closed() {}

  /** Makes a tap per upgraded stream. */
  @FunctionalInterface
  interface Factory {
    Factory NONE = (sessionId, uri, protocol) -> StreamTap.NONE;

    /**
     * @param uri the request URI as sent upstream (e.g. {@code /api/v1/.../exec?command=sh})
     * @param protocol {@code SPDY/3.1}, or the WebSocket subprotocol (e.g. {@code
     *     v5.channel.k8s.io})
     */
    StreamTap open(String sessionId, String uri, String protocol);
  }
}
