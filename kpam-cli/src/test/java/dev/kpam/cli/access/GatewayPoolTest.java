package dev.kpam.cli.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayPoolTest {
  private final EventLoop loop = new DefaultEventLoop();
  private final BlockingQueue<CompletableFuture<Channel>> dials = new LinkedBlockingQueue<>();
  private final GatewayPool pool = new GatewayPool(loop, new ManualUpstream());

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** Watches keep their connections: a burst of them beyond MAX_DIALS must still all be served. */
  @Test
  void aBurstOfRequestsThatKeepTheirConnectionsIsServedInFull() throws Exception {
    int burst = 3 * GatewayPool.MAX_DIALS + 5;
    List<Future<GatewayPool.Lease>> leases = acquireAll(burst);

    int dialed = 0;
    for (CompletableFuture<Channel> dial; (dial = dials.poll(2, TimeUnit.SECONDS)) != null; ) {
      dial.complete(new EmbeddedChannel());
      dialed++;
    }

    awaitAll(leases);
    assertThat(leases).allSatisfy(lease -> assertThat(lease.isSuccess()).isTrue());
    assertThat(dialed).isEqualTo(burst);
  }

  @Test
  void neverMoreThanMaxDialsAreUnderWayAtOnce() throws Exception {
    acquireAll(3 * GatewayPool.MAX_DIALS);
    Thread.sleep(200);
    assertThat(dials).hasSize(GatewayPool.MAX_DIALS);
  }

  @Test
  void aFailedDialFailsOneRequestAndTheOthersAreStillDialedFor() throws Exception {
    int burst = GatewayPool.MAX_DIALS + 4;
    List<Future<GatewayPool.Lease>> leases = acquireAll(burst);

    dials.take().completeExceptionally(new IllegalStateException("the relay refused"));
    for (CompletableFuture<Channel> dial; (dial = dials.poll(2, TimeUnit.SECONDS)) != null; ) {
      dial.complete(new EmbeddedChannel());
    }

    awaitAll(leases);
    assertThat(leases.stream().filter(lease -> !lease.isSuccess()).count()).isEqualTo(1);
    assertThat(leases.stream().filter(Future::isSuccess).count()).isEqualTo(burst - 1);
  }

  private static void awaitAll(List<Future<GatewayPool.Lease>> leases) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (Future<GatewayPool.Lease> lease : leases) {
      lease.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  private List<Future<GatewayPool.Lease>> acquireAll(int count) throws Exception {
    return loop.submit(
            () -> {
              List<Future<GatewayPool.Lease>> all = new ArrayList<>();
              for (int i = 0; i < count; i++) {
                all.add(pool.acquire(false));
              }
              return all;
            })
        .get(5, TimeUnit.SECONDS);
  }

  /** Dials that complete only when the test completes them. */
  private final class ManualUpstream implements Upstream {
    @Override
    public CompletionStage<Channel> open(EventLoop on) {
      CompletableFuture<Channel> dial = new CompletableFuture<>();
      dials.add(dial);
      return dial;
    }
  }
}
