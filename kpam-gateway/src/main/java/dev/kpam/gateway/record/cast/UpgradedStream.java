package dev.kpam.gateway.record.cast;

import dev.kpam.gateway.proxy.StreamTap;
import dev.kpam.gateway.record.SessionEvents;
import dev.kpam.transport.spdy.SpdyStream;
import dev.kpam.transport.spdy.SpdyStreamListener;
import dev.kpam.transport.spdy.SpdyStreams;
import dev.kpam.transport.websocket.WebSocketFrames;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tap of one upgraded exec, attach or port-forward stream: counts the payload bytes of both
 * directions, routes each channel of an exec or attach to its {@link Cast}, and appends the {@code
 * stream} event when the stream ends (docs/RECORDING.md §1). It reads the WebSocket channel frames
 * itself ({@code v1..v5.channel.k8s.io}, {@code portforward.k8s.io}); for SPDY/3.1 it listens to
 * the gateway's {@link SpdyStreams}; for SPDY tunnelled in WebSocket ({@code
 * SPDY/3.1+portforward.k8s.io}) it follows the tunnelled streams with a {@link SpdyStreams} of its
 * own. Anything else (base64 channels) is counted as raw bytes and not recorded. Never throws: a
 * failure stops the recording (one DEBUG line) while the bytes are still counted.
 */
final class UpgradedStream implements StreamTap, SpdyStreamListener, ChannelMessages.Sink {
  private static final Logger log = LoggerFactory.getLogger(UpgradedStream.class);
  private static final String SPDY = "SPDY/3.1";
  private static final String SPDY_TUNNEL = "SPDY/3.1+portforward.k8s.io";
  private static final Pattern CHANNELS = Pattern.compile("(v\\d+\\.)?channel\\.k8s\\.io");

  private final Upgrade upgrade;
  private final StreamRequest request;
  private final SessionEvents events;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private final String protocol;
  private final boolean spdy;
  private final WebSocketFrames clientFrames;
  private final WebSocketFrames serverFrames;
  private final SpdyStreams tunnel;
  private final Channels channels;
  private final Set<Integer> spdyPorts = new LinkedHashSet<>();
  private byte[] piece;
  private long bytesFromClient;
  private long bytesFromServer;
  private String closedBy;
  private boolean failed;
  private boolean ended;

  UpgradedStream(
      Upgrade upgrade,
      StreamRequest request,
      SessionEvents events,
      LongSupplier nanoTime,
      long epochSecond,
      long cap) {
    this.upgrade = upgrade;
    this.request = request;
    this.events = events;
    this.nanoTime = nanoTime;
    this.startNanos = nanoTime.getAsLong();
    String upgraded = upgrade.protocol() == null ? "" : upgrade.protocol();
    this.spdy = upgraded.equalsIgnoreCase(SPDY);
    boolean channelFrames =
        CHANNELS.matcher(upgraded).matches() || upgraded.equals("portforward.k8s.io");
    boolean v5 = upgraded.startsWith("v5.");
    this.protocol = spdy ? spdyProtocol(upgrade.streamProtocol()) : upgraded;
    boolean recorded = !request.portForward() && (spdy || channelFrames);
    Cast cast =
        recorded
            ? new Cast(
                events,
                upgrade.sessionId(),
                upgrade.requestId(),
                request.castHeader(protocol, epochSecond),
                nanoTime,
                cap)
            : null;
    this.channels = new Channels(cast, upgrade.recordStdin());
    if (channelFrames) {
      clientFrames = new WebSocketFrames(new ChannelMessages(this, true, v5));
      serverFrames = new WebSocketFrames(new ChannelMessages(this, false, v5));
      tunnel = null;
    } else if (upgraded.equals(SPDY_TUNNEL)) {
      tunnel = new SpdyStreams(this);
      clientFrames =
          new WebSocketFrames(new ChannelMessages.Tunnelled(this, tunnel::fromClient, true));
      serverFrames =
          new WebSocketFrames(new ChannelMessages.Tunnelled(this, tunnel::fromServer, false));
    } else {
      clientFrames = null;
      serverFrames = null;
      tunnel = null;
    }
  }

  // --- StreamTap: raw bytes, for WebSocket and anything not SPDY.

  @Override
  public void fromClient(ByteBuf bytes) {
    if (clientFrames != null) {
      read(clientFrames, bytes);
    } else if (!spdy) {
      bytesFromClient += bytes.readableBytes();
    }
  }

  @Override
  public void fromServer(ByteBuf bytes) {
    if (serverFrames != null) {
      read(serverFrames, bytes);
    } else if (!spdy) {
      bytesFromServer += bytes.readableBytes();
    }
  }

  @Override
  public SpdyStreamListener spdyListener() {
    return this;
  }

  @Override
  public void closed() {
    if (ended) {
      return;
    }
    ended = true;
    if (tunnel != null) {
      tunnel.close();
    }
    boolean recording = false;
    try {
      recording = channels.finish();
    } catch (RuntimeException e) {
      fail(e);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("requestId", upgrade.requestId());
    data.put("recordingId", recording ? upgrade.requestId() : null);
    data.put("kind", request.kind());
    data.put("protocol", protocol);
    data.put("namespace", request.namespace());
    data.put("pod", request.pod());
    data.put("container", request.container());
    data.put("command", request.command());
    data.put("tty", request.tty());
    data.put("stdin", request.stdin());
    List<Integer> ports = new ArrayList<>(request.ports());
    spdyPorts.stream().filter(port -> !ports.contains(port)).forEach(ports::add);
    data.put("ports", ports);
    data.put("bytesFromClient", bytesFromClient);
    data.put("bytesFromServer", bytesFromServer);
    data.put("binary", channels.binary());
    data.put("closedBy", closedBy != null ? closedBy : channels.serverEnded() ? "server" : null);
    data.put("exitCode", channels.exitCode());
    data.put("durationMs", TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - startNanos));
    try {
      events.append(upgrade.sessionId(), "stream", data);
    } catch (RuntimeException e) {
      log.debug(
          "stream {} of session {} not recorded", upgrade.requestId(), upgrade.sessionId(), e);
    }
  }

  // --- SpdyStreamListener: the streams of SPDY/3.1, direct or tunnelled.

  @Override
  public void opened(SpdyStream stream) {
    String port = stream.header("port");
    if (!port.isEmpty()) {
      try {
        spdyPorts.add(Integer.parseInt(port));
      } catch (NumberFormatException e) {
        // The API server refuses such a stream; nothing to record.
      }
    }
  }

  @Override
  public void data(SpdyStream stream, Direction direction, ByteBuf payload) {
    boolean fromClient = direction == Direction.FROM_CLIENT;
    if (piece == null) {
      piece = new byte[WebSocketFrames.PIECE];
    }
    int channel = Channels.of(stream.type());
    for (int index = payload.readerIndex(); index < payload.writerIndex(); ) {
      int length = Math.min(piece.length, payload.writerIndex() - index);
      payload.getBytes(index, piece, 0, length);
      channelData(fromClient, channel, piece, 0, length);
      index += length;
    }
  }

  private void read(WebSocketFrames frames, ByteBuf bytes) {
    if (failed) {
      // The frames are lost: count what passes.
      if (frames == clientFrames) {
        bytesFromClient += bytes.readableBytes();
      } else {
        bytesFromServer += bytes.readableBytes();
      }
      return;
    }
    try {
      frames.read(bytes);
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  @Override
  public void channelData(boolean fromClient, int channel, byte[] bytes, int offset, int length) {
    if (fromClient) {
      bytesFromClient += length;
    } else {
      bytesFromServer += length;
    }
    if (failed) {
      return;
    }
    try {
      channels.data(fromClient, channel, bytes, offset, length);
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  @Override
  public void closeFrame(boolean fromClient) {
    if (closedBy == null) {
      closedBy = fromClient ? "client" : "server";
    }
  }

  private void fail(RuntimeException e) {
    if (!failed) {
      failed = true;
      channels.stop();
      log.debug(
          "no longer recording stream {} of session {}",
          upgrade.requestId(),
          upgrade.sessionId(),
          e);
    }
  }

  private static String spdyProtocol(String streamProtocol) {
    if (streamProtocol == null || streamProtocol.isBlank()) {
      return SPDY;
    }
    String version = streamProtocol.trim();
    return SPDY
        + " "
        + (version.endsWith(".channel.k8s.io")
            ? version.substring(0, version.indexOf('.'))
            : version);
  }
}
