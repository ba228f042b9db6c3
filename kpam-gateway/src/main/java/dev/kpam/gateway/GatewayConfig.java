package dev.kpam.gateway;

import dev.kpam.gateway.proxy.StreamTap;
import dev.kpam.gateway.record.SessionEvents;
import dev.kpam.gateway.record.SessionRecording;
import dev.kpam.gateway.record.cast.CastRecorders;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * How to run a {@link Gateway}. The data dir must hold an enrolled identity ({@code kpam gateway
 * --enroll-token} writes it); {@code server} overrides the URL stored there.
 *
 * <pre>{@code
 * GatewayConfig config = GatewayConfig.defaults(Path.of("/var/lib/kpam/gateway"), null, HttpClient.newHttpClient());
 * try (Gateway gateway = Gateway.start(config)) { ... }
 * }</pre>
 *
 * @param server the kpam server URL, or null to use the one stored at enrollment
 * @param http the client for the server API (its SSLContext decides which server certificates are
 *     trusted)
 * @param eventLoopThreads threads of the gateway's Netty event loop group
 * @param heartbeatInterval how often to send {@code POST /api/v1/gateway/heartbeat}
 * @param lookupRefresh how long a cached session lookup is used before it is fetched again
 * @param maxIdleConnectionsPerResource idle keep-alive connections kept per API server and event
 *     loop (never a limit on concurrent requests)
 * @param taps makes what sees upgraded streams from where their events go (recording, issue #4):
 *     {@code CastRecorders::new}, or {@code events -> StreamTap.Factory.NONE}
 * @param recording where the proxy's events go, given the spool: the spool itself. Not an option of
 *     {@code kpam gateway}; only the benchmark that measures what recording costs (kpam-bench
 *     {@code RecordingCost}) passes {@code spool -> SessionRecording.NONE}
 */
public record GatewayConfig(
    Path dataDir,
    URI server,
    HttpClient http,
    Clock clock,
    int eventLoopThreads,
    Duration heartbeatInterval,
    Duration lookupRefresh,
    int maxIdleConnectionsPerResource,
    String version,
    Function<SessionEvents, StreamTap.Factory> taps,
    Function<SessionRecording, SessionRecording> recording) {

  public GatewayConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(taps, "taps");
    Objects.requireNonNull(recording, "recording");
    Objects.requireNonNull(version, "version");
    if (eventLoopThreads < 1 || eventLoopThreads > 256) {
      throw new IllegalArgumentException(
          "eventLoopThreads: " + eventLoopThreads + " (expected: 1..256)");
    }
    requirePositive("heartbeatInterval", heartbeatInterval);
    requirePositive("lookupRefresh", lookupRefresh);
    if (maxIdleConnectionsPerResource < 1) {
      throw new IllegalArgumentException(
          "maxIdleConnectionsPerResource: "
              + maxIdleConnectionsPerResource
              + " (expected: at least 1)");
    }
  }

  /**
   * Heartbeats every 10 s, lookups (and with them the open sessions' authorisation) refreshed every
   * 10 s, 2 event loop threads per core, exec and attach recorded as asciicast.
   */
  public static GatewayConfig defaults(Path dataDir, URI server, HttpClient http) {
    return new GatewayConfig(
        dataDir,
        server,
        http,
        Clock.systemUTC(),
        Math.max(2, Runtime.getRuntime().availableProcessors() * 2),
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        64,
        Gateway.VERSION,
        CastRecorders::new,
        Function.identity());
  }

  /** This configuration with events going where {@code recording} says instead of the spool. */
  public GatewayConfig withRecording(Function<SessionRecording, SessionRecording> recording) {
    return new GatewayConfig(
        dataDir,
        server,
        http,
        clock,
        eventLoopThreads,
        heartbeatInterval,
        lookupRefresh,
        maxIdleConnectionsPerResource,
        version,
        taps,
        recording);
  }

  private static void requirePositive(String field, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: positive)");
    }
  }
}
