package dev.kpam.transport.tunnel;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The HTTP/2 flow-control windows of a tunnel, the same at both ends. A stream's window bounds how
 * much one kubectl connection may have in flight: large enough that a big list or {@code logs -f}
 * is not held to one window per round trip. The connection's window bounds what the whole tunnel
 * buffers, and lets that many stalled readers hold their stream windows before the other streams of
 * the tunnel wait.
 *
 * <pre>{@code
 * Http2FrameCodecBuilder.forServer().initialSettings(TunnelWindows.settings()).build();
 * TunnelWindows.widenConnectionWindow(channel); // once the codec is in the pipeline
 * }</pre>
 */
public final class TunnelWindows {
  /** Bytes one stream may have in flight, unread by the receiver. */
  public static final int STREAM_WINDOW = 256 * 1024;

  /** Bytes all streams of a tunnel together may have in flight (128 stream windows). */
  public static final int CONNECTION_WINDOW = 128 * STREAM_WINDOW;

  private TunnelWindows() {}

  /** The settings a tunnel's codec announces. */
  public static Http2Settings settings() {
    return Http2Settings.defaultSettings().initialWindowSize(STREAM_WINDOW);
  }

  /** Grows the connection window from the protocol's 64 KiB default; SETTINGS cannot. */
  public static void widenConnectionWindow(Channel tunnel) {
    tunnel.writeAndFlush(
        new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
  }
}
