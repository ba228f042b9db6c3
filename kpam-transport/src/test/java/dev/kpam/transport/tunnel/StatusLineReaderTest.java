package dev.kpam.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class StatusLineReaderTest {
  @Test
  void aRefusalLongerThanTheFirstBufferArrivesWhole() {
    CompletableFuture<Channel> result = new CompletableFuture<>();
    EmbeddedChannel channel =
        new EmbeddedChannel(new StatusLineReader(result, Duration.ofSeconds(5)));
    String reason =
        "session 7e0c0a6e-5b7c-4f5e-9f8e-6c1d2a3b4c5d is terminated: access revoked: user"
            + " someone-with-a-long-name disabled by admin";

    channel.writeInbound(
        Unpooled.wrappedBuffer(RelayWire.error(RelayWire.SESSION_REFUSED, reason)));

    assertThat(result)
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(RelayRefusedException.class)
        .withMessageContaining(reason);
    channel.finishAndReleaseAll();
  }
}
