package dev.kpam.relay;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConnectionLimitTest {
  @Test
  void racingAcquisitionsOfOneKeyGetExactlyMaxPermits() throws Exception {
    ConnectionLimit limit = new ConnectionLimit(64);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<ConnectionLimit.Permit>>> results = new ArrayList<>();
    try {
      for (int t = 0; t < 8; t++) {
        Callable<List<ConnectionLimit.Permit>> attempts =
            () -> {
              start.await();
              List<ConnectionLimit.Permit> granted = new ArrayList<>();
              for (int i = 0; i < 50; i++) {
                limit.tryAcquire("s1").ifPresent(granted::add);
              }
              return granted;
            };
        results.add(threads.submit(attempts));
      }
      start.countDown();
      List<ConnectionLimit.Permit> granted = new ArrayList<>();
      for (Future<List<ConnectionLimit.Permit>> result : results) {
        granted.addAll(result.get(10, SECONDS));
      }

      assertThat(granted).hasSize(64);
      assertThat(limit.counts()).containsExactlyEntriesOf(Map.of("s1", 64));

      List<Future<?>> releases = new ArrayList<>();
      for (ConnectionLimit.Permit permit : granted) {
        // Twice each, from two threads: a permit gives its place back once.
        releases.add(threads.submit(permit::release));
        releases.add(threads.submit(permit::release));
      }
      for (Future<?> release : releases) {
        release.get(10, SECONDS);
      }
      assertThat(limit.counts()).isEmpty();
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aKeyAtItsMaxDoesNotLimitAnotherKey() {
    ConnectionLimit limit = new ConnectionLimit(1);
    Optional<ConnectionLimit.Permit> first = limit.tryAcquire("s1");

    assertThat(first).isPresent();
    assertThat(limit.tryAcquire("s1")).isEmpty();
    assertThat(limit.tryAcquire("s2")).isPresent();

    first.get().release();
    assertThat(limit.tryAcquire("s1")).isPresent();
  }

  @Test
  void anAdmittedChannelIsCountedUntilItCloses() {
    ConnectionLimit limit = new ConnectionLimit(1);
    EmbeddedChannel channel = new EmbeddedChannel();
    EmbeddedChannel another = new EmbeddedChannel();

    assertThat(limit.admit("gw", channel)).isTrue();
    assertThat(limit.admit("gw", another)).isFalse();
    another.close(); // was never counted, so its close gives nothing back
    assertThat(limit.counts()).containsEntry("gw", 1);

    channel.close();
    assertThat(limit.counts()).isEmpty();
    assertThat(limit.admit("gw", new EmbeddedChannel())).isTrue();
  }

  @Test
  void aLimitBelowOneIsRejectedWithTheValue() {
    assertThatThrownBy(() -> new ConnectionLimit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max: 0 (expected: at least 1)");
  }
}
