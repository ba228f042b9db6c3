package dev.kpam.gateway.proxy;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request ids: {@code r-<boot>-<n>}, a random id of this gateway process and a counter, so that ids
 * stay unique in a session across connections, event loops and gateway restarts.
 */
final class RequestIds {
  private static final String BOOT = HexFormat.of().formatHex(randomBytes(4));
  private static final AtomicLong NEXT = new AtomicLong();

  private RequestIds() {}

  static String next() {
    return "r-" + BOOT + "-" + NEXT.incrementAndGet();
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
