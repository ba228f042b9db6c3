package dev.kpam.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class WebSocketFrameBoundaryTest {
  @Test
  void framesSplitAnywhereEndAtTheirBoundaries() {
    WebSocketFrameBoundary boundary = new WebSocketFrameBoundary();
    ByteBuf wire = Unpooled.buffer();
    WebSocketFrameBoundary.writeChannelFrame(wire, 1, new byte[300]);
    int end = wire.writerIndex();
    for (int i = 0; i < end; i++) {
      ByteBuf one = wire.retainedSlice(i, 1);
      boundary.observe(one);
      one.release();
      assertThat(boundary.atFrameStart())
          .as("after %d of %d bytes", i + 1, end)
          .isEqualTo(i + 1 == end);
    }
    wire.release();
  }

  @Test
  void aLengthWithItsTopBitSetLeavesNoFrameBoundaryToReport() {
    // Found by the fuzzer (ws-frame-boundary): the length read as negative, the bytes after it were
    // taken for a new header, and a "boundary" was reported inside the frame.
    WebSocketFrameBoundary boundary = new WebSocketFrameBoundary();
    ByteBuf wire =
        Unpooled.buffer()
            .writeByte(0x82)
            .writeByte(127)
            .writeLong(Long.MIN_VALUE | 5)
            .writeBytes(new byte[] {(byte) 0x82, 0});
    boundary.observe(wire);
    wire.release();
    assertThat(boundary.atFrameStart()).isFalse();
  }

  @Test
  void aCloseFrameFromTheServerIsNoticedAndOtherFramesAreNot() {
    WebSocketFrameBoundary boundary = new WebSocketFrameBoundary();
    ByteBuf data = Unpooled.buffer();
    WebSocketFrameBoundary.writeChannelFrame(data, 1, new byte[] {(byte) 0x88, 0x02});
    boundary.observe(data); // a payload that looks like a close frame is still payload
    data.release();
    assertThat(boundary.closing()).isFalse();
    ByteBuf close = Unpooled.buffer();
    WebSocketFrameBoundary.writeCloseFrame(close);
    boundary.observe(close);
    close.release();
    assertThat(boundary.closing()).isTrue();
    assertThat(boundary.atFrameStart()).isTrue();
  }
}
