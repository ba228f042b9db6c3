package dev.kpam.gateway.record.cast;

import dev.kpam.gateway.proxy.StreamTap;
import dev.kpam.gateway.record.SessionEvents;
import java.time.Clock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the upgraded streams of a session (docs/RECORDING.md §1, §2): for each exec or attach an
 * asciicast v2 recording appended as {@code recording} events, and for each exec, attach or
 * port-forward a {@code stream} event when it ends, with its byte counts. Other upgrades are not
 * tapped. The taps run on the connections' event loops; they never block, keep or release the
 * buffers they see, or throw.
 *
 * <pre>{@code
 * StreamTap.Factory taps = new CastRecorders(spool);
 * KubeProxy proxy = new KubeProxy(gatewayId, tls, directory, pools, connections, taps, clock);
 * }</pre>
 */
public final class CastRecorders implements StreamTap.Factory {
  /** The default size cap of a recording's data (§2). */
  public static final long DEFAULT_CAP = 16L * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(CastRecorders.class);
  private final SessionEvents events;
  private final long cap;
  private final Clock clock;
  private final LongSupplier nanoTime;

  public CastRecorders(SessionEvents events) {
    this(events, DEFAULT_CAP);
  }

  /** {@code cap}: the bytes of data a recording keeps at most. */
  public CastRecorders(SessionEvents events, long cap) {
    this(events, cap, Clock.systemUTC(), System::nanoTime);
  }

  CastRecorders(SessionEvents events, long cap, Clock clock, LongSupplier nanoTime) {
    if (cap < 0) {
      throw new IllegalArgumentException("cap: " + cap + " (expected: >= 0)");
    }
    this.events = events;
    this.cap = cap;
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  @Override
  public StreamTap open(StreamTap.Upgrade upgrade) {
    try {
      StreamRequest request = StreamRequest.parse(upgrade.uri());
      if (request == null) {
        return StreamTap.NONE;
      }
      return new UpgradedStream(
          upgrade, request, events, nanoTime, clock.instant().getEpochSecond(), cap);
    } catch (RuntimeException e) {
      log.debug(
          "not recording stream {} of session {}", upgrade.requestId(), upgrade.sessionId(), e);
      return StreamTap.NONE;
    }
  }
}
