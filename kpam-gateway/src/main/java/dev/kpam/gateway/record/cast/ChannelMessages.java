package dev.kpam.gateway.record.cast;

import dev.kpam.transport.websocket.WebSocketFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;

/**
 * The channel framing of {@code *.channel.k8s.io} (and {@code portforward.k8s.io}) in one direction
 * of a WebSocket stream: each data message starts with its channel's number; in v5 the channel 255
 * carries the close of the channel named by the next byte (KEP-4006), which is not data.
 */
final class ChannelMessages implements WebSocketFrames.Messages {
  private static final int CLOSE = 255;

  /** Where the channels' data goes. */
  interface Sink {
    /** A piece of {@code channel}'s data, valid during the call only. */
    void channelData(boolean fromClient, int channel, byte[] bytes, int offset, int length);

    /** A WebSocket close frame. */
    void closeFrame(boolean fromClient);
  }

  private final Sink sink;
  private final boolean fromClient;
  private final boolean v5;
  private int channel = -1;
  private boolean channelNext;

  ChannelMessages(Sink sink, boolean fromClient, boolean v5) {
    this.sink = sink;
    this.fromClient = fromClient;
    this.v5 = v5;
  }

  @Override
  public void payload(byte[] bytes, int offset, int length, boolean messageStart) {
    int start = offset;
    int end = offset + length;
    if (messageStart) {
      channelNext = true;
    }
    if (channelNext && start < end) {
      channel = bytes[start++] & 0xff;
      channelNext = false;
    }
    // v5's close of a channel (kubectl's stdin at its end) is not data: the stream goes on.
    if (start < end && !(v5 && channel == CLOSE)) {
      sink.channelData(fromClient, channel, bytes, start, end - start);
    }
  }

  @Override
  public void close() {
    sink.closeFrame(fromClient);
  }

  /**
   * WebSocket messages whose payloads are SPDY/3.1 bytes ({@code SPDY/3.1+portforward.k8s.io}, the
   * port-forward tunnel of KEP-4006), handed on as they come.
   */
  static final class Tunnelled implements WebSocketFrames.Messages {
    private final Sink sink;
    private final Consumer<ByteBuf> spdy;
    private final boolean fromClient;

    Tunnelled(Sink sink, Consumer<ByteBuf> spdy, boolean fromClient) {
      this.sink = sink;
      this.spdy = spdy;
      this.fromClient = fromClient;
    }

    @Override
    public void payload(byte[] bytes, int offset, int length, boolean messageStart) {
      spdy.accept(Unpooled.wrappedBuffer(bytes, offset, length));
    }

    @Override
    public void close() {
      sink.closeFrame(fromClient);
    }
  }
}
