package dev.kpam.testing.leaks;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

class NettyLeakGuardTest {
  @Test
  void aBufferThatIsNeverReleasedFailsTheCheck() {
    // Paranoid detection is set by the build; this test needs it.
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    leakOneBuffer();
    assertThatThrownBy(() -> NettyLeakGuard.check("this test"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("leaked buffer")
        .hasMessageContaining("LEAK: ByteBuf");
  }

  @Test
  void releasedBuffersPassTheCheck() {
    ByteBuf buffer = UnpooledByteBufAllocator.DEFAULT.directBuffer(8);
    buffer.writeLong(42);
    buffer.release();
    NettyLeakGuard.check("this test");
  }

  private static void leakOneBuffer() {
    ByteBuf leaked = UnpooledByteBufAllocator.DEFAULT.directBuffer(8);
    leaked.writeLong(7);
  }
}
