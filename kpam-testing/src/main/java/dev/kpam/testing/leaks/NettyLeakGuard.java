package dev.kpam.testing.leaks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Fails a test class when Netty reports a leaked buffer during it (STYLE.md: tests run with
 * paranoid leak detection and fail on a leak). Installed for every test run through service files:
 * as a {@link LauncherSessionListener} it puts a recording leak detector in place before any buffer
 * exists; as an auto-detected JUnit extension it checks after each test class.
 *
 * <pre>{@code
 * // nothing to write in tests: kpam-testing on the test classpath and
 * // junit.jupiter.extensions.autodetection.enabled=true (root pom) are enough
 * }</pre>
 */
public final class NettyLeakGuard implements LauncherSessionListener, AfterAllCallback {
  /**
   * Leak reports of this JVM. Static because Netty's detector factory is itself process-wide; it is
   * written only by the detectors and read by the check.
   */
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    check(context.getDisplayName());
  }

  /** Collects garbage, lets Netty report, and throws if anything leaked since the last check. */
  static void check(String scope) {
    // Leaks are noticed when a leaked object has been collected and a later buffer is tracked.
    for (int round = 0; round < 3; round++) {
      System.gc();
      touchBuffers();
    }
    if (!LEAKS.isEmpty()) {
      List<String> found = new ArrayList<>(LEAKS);
      LEAKS.clear();
      throw new AssertionError(
          "Netty reported "
              + found.size()
              + " leaked buffer(s) during "
              + scope
              + ":\n"
              + String.join("\n\n", found));
    }
  }

  private static void touchBuffers() {
    for (int i = 0; i < 64; i++) {
      ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
      pooled.release();
      ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
      unpooled.release();
    }
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return new RecordingDetector<>(resource, samplingInterval);
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval) {
      return new RecordingDetector<>(resource, samplingInterval);
    }
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      LEAKS.add("LEAK: " + resourceType + records);
      super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      LEAKS.add("LEAK: " + resourceType + " (no records)");
      super.reportUntracedLeak(resourceType);
    }
  }
}
