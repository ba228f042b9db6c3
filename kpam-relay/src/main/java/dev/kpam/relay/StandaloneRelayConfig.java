package dev.kpam.relay;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to run a {@link StandaloneRelay}. The data dir must hold an enrolled identity ({@code kpam
 * relay --enroll-token} writes it).
 *
 * <pre>{@code
 * StandaloneRelayConfig config = StandaloneRelayConfig.defaults(dataDir, null, HttpClient.newHttpClient(), "0.0.0.0", 7443, List.of());
 * try (StandaloneRelay relay = StandaloneRelay.start(config)) { ... }
 * }</pre>
 *
 * @param server the kpam server URL, or null to use the one stored at enrollment
 * @param http the client for the server API (its SSLContext decides which server certificates are
 *     trusted)
 * @param bindHost the address to listen on
 * @param port the TCP port, 0 for any free one
 * @param addresses where gateways and clients reach the relay ({@code host:port}); empty keeps the
 *     stored ones, others are put into a new certificate at start
 * @param admissionCache how long the server's yes to a session is reused (0 to 10 s)
 * @param limits timeouts before a peer is known and connections per identity
 */
public record StandaloneRelayConfig(
    Path dataDir,
    URI server,
    HttpClient http,
    String bindHost,
    int port,
    List<String> addresses,
    Clock clock,
    Duration admissionCache,
    RelayLimits limits) {

  public StandaloneRelayConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(admissionCache, "admissionCache");
    Objects.requireNonNull(limits, "limits");
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
  }

  /** The system clock, positive admissions reused for 3 s and {@link RelayLimits#defaults()}. */
  public static StandaloneRelayConfig defaults(
      Path dataDir,
      URI server,
      HttpClient http,
      String bindHost,
      int port,
      List<String> addresses) {
    return new StandaloneRelayConfig(
        dataDir,
        server,
        http,
        bindHost,
        port,
        addresses,
        Clock.systemUTC(),
        Duration.ofSeconds(3),
        RelayLimits.defaults());
  }

  /** This configuration with {@code limits} instead of its own. */
  public StandaloneRelayConfig withLimits(RelayLimits limits) {
    return new StandaloneRelayConfig(
        dataDir, server, http, bindHost, port, addresses, clock, admissionCache, limits);
  }
}
