package dev.kpam.gateway.proxy;

import dev.kpam.transport.spdy.SpdyStreamListener;
import io.netty.buffer.ByteBuf;

/**
 * Sees the raw bytes of an upgraded stream (exec, attach, port-forward) in both directions, for the
 * recording of issue #4. It must not keep, modify or release the buffers (it gets read-only views)
 * and must not block: it runs on the connection's event loop. For a SPDY/3.1 stream the gateway
 * already follows the streams itself; a tap that wants each stream's type and DATA payloads returns
 * a listener from {@link #spdyListener()} instead of parsing SPDY again.
 *
 * <pre>{@code
 * StreamTap tap = new StreamTap() { public void fromServer(ByteBuf b) { frames.feed(b); } };
 * StreamTap.Factory factory = upgrade -> tap;
 * }</pre>
 */
public interface StreamTap {
  StreamTap NONE = new StreamTap() {};

  /** Bytes kubectl sent towards the API server. */
  default void fromClient(ByteBuf bytes) {}

  /** Bytes the API server sent towards kubectl. */
  default void fromServer(ByteBuf bytes) {}

  /**
   * For a SPDY/3.1 stream: what hears of its streams as the gateway parses them (asked once, at the
   * upgrade). Its calls for a chunk of bytes come before {@link #fromClient}/{@link #fromServer}
   * with the same bytes, and its last {@code closed} before {@link #closed()}.
   */
  default SpdyStreamListener spdyListener() {
    return SpdyStreamListener.NONE;
  }

  /** The stream ended (either side closed). */
  default void closed() {}

  /** Makes a tap per upgraded stream. */
  @FunctionalInterface
  interface Factory {
    Factory NONE = upgrade -> StreamTap.NONE;

    StreamTap open(Upgrade upgrade);
  }

  /**
   * One upgraded stream, as the API server switched it.
   *
   * @param requestId the id of the request that was upgraded, unique in the session
   * @param uri the request URI as sent upstream (e.g. {@code /api/v1/.../exec?command=sh})
   * @param protocol {@code SPDY/3.1}, or the WebSocket subprotocol (e.g. {@code v5.channel.k8s.io})
   * @param streamProtocol for SPDY, the {@code X-Stream-Protocol-Version} the server chose (e.g.
   *     {@code v4.channel.k8s.io}); null otherwise
   * @param recordStdin whether the account records what kubectl sends (stdin)
   */
  record Upgrade(
      String sessionId,
      String requestId,
      String uri,
      String protocol,
      String streamProtocol,
      boolean recordStdin) {}
}
