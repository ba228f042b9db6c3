package dev.kpam.transport.splice;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SpliceTest {
  final EmbeddedChannel a = new EmbeddedChannel();
  final EmbeddedChannel b = new EmbeddedChannel();

  @Test
  void theMessagesOfOneReadGoOutInOneFlushWhenTheReadCompletes() {
    Splice.join(a, b);

    a.pipeline().fireChannelRead(bytes("one"));
    a.pipeline().fireChannelRead(bytes("two"));
    assertThat((Object) b.readOutbound()).as("nothing before the read completes").isNull();

    a.pipeline().fireChannelReadComplete();
    assertThat(text(b.readOutbound())).isEqualTo("one");
    assertThat(text(b.readOutbound())).isEqualTo("two");
    a.finishAndReleaseAll();
    b.finishAndReleaseAll();
  }

  @Test
  void whatWasReadBeforeAFailureStillReachesThePeerBeforeItCloses() {
    Splice.join(a, b);

    a.pipeline().fireChannelRead(bytes("last words"));
    a.pipeline().fireExceptionCaught(new IOException("connection reset"));

    assertThat(text(b.readOutbound())).isEqualTo("last words");
    assertThat(b.isOpen()).isFalse();
    assertThat(a.isOpen()).isFalse();
    a.finishAndReleaseAll();
    b.finishAndReleaseAll();
  }

  @Test
  void whatWasReadBeforeThePeerWentAwayStillReachesTheOtherSide() {
    Splice.join(a, b);

    a.pipeline().fireChannelRead(bytes("goodbye"));
    a.close();

    assertThat(text(b.readOutbound())).isEqualTo("goodbye");
    assertThat(b.isOpen()).isFalse();
    a.finishAndReleaseAll();
    b.finishAndReleaseAll();
  }

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
  }

  private static String text(ByteBuf buf) {
    assertThat(buf).isNotNull();
    try {
      return buf.toString(StandardCharsets.UTF_8);
    } finally {
      buf.release();
    }
  }
}
