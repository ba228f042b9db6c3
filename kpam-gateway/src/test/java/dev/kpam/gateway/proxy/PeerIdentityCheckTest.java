package dev.kpam.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PeerIdentityCheckTest {
  @Test
  void bytesThatArriveBeforeThePeerIsCheckedNeverReachTheProxy() {
    EmbeddedChannel channel = new EmbeddedChannel(new PeerIdentityCheck("gw-1", "session-1"));
    ByteBuf early =
        Unpooled.copiedBuffer("GET /api/v1/secrets HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII);

    channel.writeInbound(early);

    assertThat((Object) channel.readInbound()).isNull();
    assertThat(early.refCnt()).isZero();
    channel.finishAndReleaseAll();
  }
}
