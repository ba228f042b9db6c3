package dev.kpam.server.relays;

import dev.kpam.server.audit.AuditLog.Actor;

/** An enrolled standalone relay calling the relay API with its credential. */
public record RelayPrincipal(String relayId, String name, String sourceAddress) {
  public Actor actor() {
    return Actor.of("relay:" + name, sourceAddress);
  }
}
