package dev.kpam.gateway.metrics;

import dev.kpam.gateway.record.SessionRecording;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's request metrics, read off the events the proxy records (so that what is counted is
 * what is recorded): requests by verb and status, how long short requests took upstream, bytes each
 * way, open long-running streams by kind, and kpam's own refusals by status. Passes every event on
 * unchanged.
 */
public final class MeteredRecording implements SessionRecording {
  private static final String[] KINDS = {"exec", "attach", "portforward", "watch", "logs", "other"};

  private final SessionRecording delegate;
  private final MeterRegistry registry;
  private final Timer upstream;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
  private final Map<String, String> openKinds = new ConcurrentHashMap<>();

  public MeteredRecording(SessionRecording delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.registry = registry;
    this.upstream =
        Timer.builder("kpam.gateway.upstream.duration")
            .description("Time of requests that are not streams, from kubectl's request to the end")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    this.bytesIn =
        Counter.builder("kpam.gateway.bytes")
            .description("Body bytes through the gateway")
            .baseUnit("bytes")
            .tag("direction", "from_client")
            .register(registry);
    this.bytesOut =
        Counter.builder("kpam.gateway.bytes")
            .baseUnit("bytes")
            .tag("direction", "to_client")
            .register(registry);
    for (String kind : KINDS) {
      AtomicInteger count = new AtomicInteger();
      open.put(kind, count);
      registry.gauge("kpam.gateway.streams.open", Tags.of("kind", kind), count);
    }
  }

  @Override
  public void append(String sessionId, String type, Map<String, Object> data) {
    try {
      observe(type, data);
    } finally {
      delegate.append(sessionId, type, data);
    }
  }

  private void observe(String type, Map<String, Object> data) {
    if (type.equals("request_open")) {
      String kind = kind(data);
      Object id = data.get("id");
      if (id != null && openKinds.putIfAbsent(id.toString(), kind) == null) {
        open.get(kind).incrementAndGet();
      }
      return;
    }
    if (!type.equals("request")) {
      return;
    }
    String verb = String.valueOf(data.getOrDefault("verb", "unknown"));
    String code = String.valueOf(data.get("status"));
    registry.counter("kpam.gateway.requests", "verb", verb, "code", code).increment();
    if (data.get("error") != null) {
      registry.counter("kpam.gateway.refusals", "code", code).increment();
    }
    if (data.get("bytesIn") instanceof Number in) bytesIn.increment(in.doubleValue());
    if (data.get("bytesOut") instanceof Number out) bytesOut.increment(out.doubleValue());
    Object id = data.get("id");
    String kind = id == null ? null : openKinds.remove(id.toString());
    if (kind != null) {
      open.get(kind).decrementAndGet();
    } else if (data.get("latencyMs") instanceof Number ms) {
      upstream.record(Duration.ofNanos((long) (ms.doubleValue() * 1_000_000)));
    }
  }

  private static String kind(Map<String, Object> data) {
    Object subresource = data.get("subresource");
    if ("exec".equals(subresource) || "attach".equals(subresource)) return subresource.toString();
    if ("portforward".equals(subresource)) return "portforward";
    if ("log".equals(subresource)) return "logs";
    if ("watch".equals(data.get("verb"))) return "watch";
    return "other";
  }

  @Override
  public String unavailable(String sessionId) {
    return delegate.unavailable(sessionId);
  }

  @Override
  public void sessionOver(String sessionId) {
    delegate.sessionOver(sessionId);
  }
}
