package dev.kpam.relay;

import java.time.Duration;

/**
 * What a {@link RelayServer} grants a peer before and after it knows who the peer is, so that a
 * hostile or broken peer cannot hold its sockets: how long the TLS handshake may take, how long a
 * peer may stay silent after it (until its first bytes say whether it is a client or a gateway),
 * and how many connections one identity may hold at once.
 *
 * <pre>{@code
 * RelayConfig config = pki.relayConfig(0, gate).withLimits(RelayLimits.defaults().withMaxConnectionsPerSession(8));
 * RelayServer relay = RelayServer.start(config);
 * }</pre>
 *
 * @param handshakeTimeout a TLS handshake not done within this is abandoned and the socket closed
 * @param firstBytesTimeout after the handshake, a peer must have said what it is (a client's hello
 *     line, a gateway's HTTP/2 preface) within this, else it is closed; a client spliced onto its
 *     gateway, and a tunnel, have no such bound afterwards (watches and exec sessions may be silent
 *     for hours; tunnels have PING liveness)
 * @param maxConnectionsPerSession client connections one session may hold open at once (kubectl
 *     opens a handful, one more per watch or exec); one more is refused with {@code KPAM/1 ERR
 *     too_many_connections}
 * @param maxTunnelsPerGateway tunnels one gateway id may hold open at once (one per instance for
 *     HA); one more is closed after its handshake
 */
public record RelayLimits(
    Duration handshakeTimeout,
    Duration firstBytesTimeout,
    int maxConnectionsPerSession,
    int maxTunnelsPerGateway) {
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_FIRST_BYTES_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_CONNECTIONS_PER_SESSION = 256;
  public static final int DEFAULT_MAX_TUNNELS_PER_GATEWAY = 16;

  public RelayLimits {
    requirePositive("handshakeTimeout", handshakeTimeout);
    requirePositive("firstBytesTimeout", firstBytesTimeout);
    if (maxConnectionsPerSession < 1) {
      throw new IllegalArgumentException(
          "maxConnectionsPerSession: " + maxConnectionsPerSession + " (expected: at least 1)");
    }
    if (maxTunnelsPerGateway < 1) {
      throw new IllegalArgumentException(
          "maxTunnelsPerGateway: " + maxTunnelsPerGateway + " (expected: at least 1)");
    }
  }

  /**
   * A 10 s handshake, 5 s to the first bytes, 256 connections per session, 16 tunnels per gateway.
   */
  public static RelayLimits defaults() {
    return new RelayLimits(
        DEFAULT_HANDSHAKE_TIMEOUT,
        DEFAULT_FIRST_BYTES_TIMEOUT,
        DEFAULT_MAX_CONNECTIONS_PER_SESSION,
        DEFAULT_MAX_TUNNELS_PER_GATEWAY);
  }

  public RelayLimits withHandshakeTimeout(Duration value) {
    return new RelayLimits(
        value, firstBytesTimeout, maxConnectionsPerSession, maxTunnelsPerGateway);
  }

  public RelayLimits withFirstBytesTimeout(Duration value) {
    return new RelayLimits(handshakeTimeout, value, maxConnectionsPerSession, maxTunnelsPerGateway);
  }

  public RelayLimits withMaxConnectionsPerSession(int value) {
    return new RelayLimits(handshakeTimeout, firstBytesTimeout, value, maxTunnelsPerGateway);
  }

  public RelayLimits withMaxTunnelsPerGateway(int value) {
    return new RelayLimits(handshakeTimeout, firstBytesTimeout, maxConnectionsPerSession, value);
  }

  private static void requirePositive(String field, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: positive)");
    }
  }
}
