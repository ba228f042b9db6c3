package dev.kpam.relay;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link RelayServer} listens and whom it trusts.
 *
 * <pre>{@code
 * RelayConfig config = new RelayConfig("0.0.0.0", 7443, key, List.of(cert), ca.chain(), gate, Clock.systemUTC());
 * RelayServer relay = RelayServer.start(config);
 * }</pre>
 *
 * @param bindHost the address to listen on, e.g. {@code 0.0.0.0}
 * @param port the TCP port, 0 for any free one
 * @param serverChain the relay's certificate (leaf first), issued by the kpam CA
 * @param trustedCas the kpam CA chain; clients and gateways must present certificates it issued
 * @param pingInterval how often each tunnel is PINGed
 * @param deadAfter a tunnel without a PING ACK for this long is closed
 * @param limits timeouts before a peer is known and connections per identity
 */
public record RelayConfig(
    String bindHost,
    int port,
    PrivateKey serverKey,
    List<X509Certificate> serverChain,
    List<X509Certificate> trustedCas,
    SessionGate gate,
    Clock clock,
    Duration pingInterval,
    Duration deadAfter,
    RelayLimits limits) {
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_DEAD_AFTER = Duration.ofSeconds(30);

  public RelayConfig {
    if (bindHost == null || bindHost.isBlank()) {
      throw new IllegalArgumentException(
          "bindHost: '" + bindHost + "' (expected: a host name or address)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
    }
    Objects.requireNonNull(serverKey, "serverKey");
    if (serverChain == null || serverChain.isEmpty()) {
      throw new IllegalArgumentException(
          "serverChain: " + serverChain + " (expected: at least the relay certificate)");
    }
    if (trustedCas == null || trustedCas.isEmpty()) {
      throw new IllegalArgumentException(
          "trustedCas: " + trustedCas + " (expected: the kpam CA chain)");
    }
    serverChain = List.copyOf(serverChain);
    trustedCas = List.copyOf(trustedCas);
    Objects.requireNonNull(gate, "gate");
    Objects.requireNonNull(clock, "clock");
    if (pingInterval == null || pingInterval.isNegative() || pingInterval.isZero()) {
      throw new IllegalArgumentException("pingInterval: " + pingInterval + " (expected: positive)");
    }
    if (deadAfter == null || deadAfter.compareTo(pingInterval) <= 0) {
      throw new IllegalArgumentException(
          "deadAfter: "
              + deadAfter
              + " (expected: longer than pingInterval, "
              + pingInterval
              + ")");
    }
    Objects.requireNonNull(limits, "limits");
  }

  /** A configuration with {@link RelayLimits#defaults()}. */
  public RelayConfig(
      String bindHost,
      int port,
      PrivateKey serverKey,
      List<X509Certificate> serverChain,
      List<X509Certificate> trustedCas,
      SessionGate gate,
      Clock clock,
      Duration pingInterval,
      Duration deadAfter) {
    this(
        bindHost,
        port,
        serverKey,
        serverChain,
        trustedCas,
        gate,
        clock,
        pingInterval,
        deadAfter,
        RelayLimits.defaults());
  }

  /**
   * A configuration with PINGs every 10 s and dead tunnels closed after 30 s (DATA-PLANE.md §2.4)
   * and {@link RelayLimits#defaults()}.
   */
  public RelayConfig(
      String bindHost,
      int port,
      PrivateKey serverKey,
      List<X509Certificate> serverChain,
      List<X509Certificate> trustedCas,
      SessionGate gate,
      Clock clock) {
    this(
        bindHost,
        port,
        serverKey,
        serverChain,
        trustedCas,
        gate,
        clock,
        DEFAULT_PING_INTERVAL,
        DEFAULT_DEAD_AFTER);
  }

  /** This configuration with {@code limits} instead of its own. */
  public RelayConfig withLimits(RelayLimits limits) {
    return new RelayConfig(
        bindHost,
        port,
        serverKey,
        serverChain,
        trustedCas,
        gate,
        clock,
        pingInterval,
        deadAfter,
        limits);
  }

  @Override
  public String toString() {
    return "RelayConfig[bindHost="
        + bindHost
        + ", port="
        + port
        + ", pingInterval="
        + pingInterval
        + ", deadAfter="
        + deadAfter
        + ", limits="
        + limits
        + "]";
  }
}
