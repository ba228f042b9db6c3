package dev.kpam.protocol.sessions;

import java.util.List;

/**
 * The answer to {@link CreateSessionRequest}: the session, its certificate (valid until the session
 * expires), the CA chain, and where to reach the gateway through a relay: {@code relayAddress}, or
 * any of {@code relayAddresses} (every announced relay, that one first) when it cannot be reached.
 */
public record CreatedSession(
    SessionView session,
    String certificate,
    List<String> caChain,
    String gatewayId,
    String relayAddress,
    List<String> relayAddresses) {

  /** The relays to try, in order; an older server named only one. */
  public List<String> relays() {
    return relayAddresses == null || relayAddresses.isEmpty()
        ? List.of(relayAddress)
        : relayAddresses;
  }
}
