package dev.kpam.protocol.sessions;

import java.util.List;

/**
 * The answer to {@link CreateSessionRequest}: the session, its certificate (valid until the session
 * expires), the CA chain, and where to reach the gateway through the relay.
 */
public record CreatedSession(
    SessionView session,
    String certificate,
    List<String> caChain,
    String gatewayId,
    String relayAddress) {}
