package dev.kpam.testing.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the leaks Netty's detector reports in a program (the fuzz bench), where no JUnit extension
 * does. Install it before the first buffer exists and run with {@code
 * -Dio.netty.leakDetection.level=paranoid}; {@link #collect()} lets the detector see what was
 * collected since.
 *
 * <pre>{@code
 * NettyLeakCount leaks = NettyLeakCount.install();
 * ... ; long leaked = leaks.collect();
 * }</pre>
 */
public final class NettyLeakCount {
  private final AtomicLong reported = new AtomicLong();

  private NettyLeakCount() {}

  /** Puts a counting detector factory in place, process-wide as Netty's factory is. */
  public static NettyLeakCount install() {
    NettyLeakCount count = new NettyLeakCount();
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(count.new Factory());
    return count;
  }

  /** Collects garbage, lets the detector report, and returns the leaks reported so far. */
  public long collect() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      for (int i = 0; i < 64; i++) {
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        pooled.release();
        ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
        unpooled.release();
      }
    }
    return reported.get();
  }

  private final class Factory extends ResourceLeakDetectorFactory {
    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return new Counting<>(resource, samplingInterval);
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval) {
      return new Counting<>(resource, samplingInterval);
    }
  }

  private final class Counting<T> extends ResourceLeakDetector<T> {
    Counting(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      reported.incrementAndGet();
      super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      reported.incrementAndGet();
      super.reportUntracedLeak(resourceType);
    }
  }
}
