package dev.kpam.transport.tunnel;

import java.util.Objects;

/**
 * What the relay said about a stream it opened: the session it carries, the client's address as the
 * relay saw it ({@code ip:port}), and the relay ({@code host:port}, as configured).
 *
 * <pre>{@code
 * log.info("session {} from {} via {}", info.sessionId(), info.clientAddress(), info.relayAddress());
 * }</pre>
 */
public record TunnelStreamInfo(String sessionId, String clientAddress, String relayAddress) {
  public TunnelStreamInfo {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(clientAddress, "clientAddress");
    Objects.requireNonNull(relayAddress, "relayAddress");
  }
}
