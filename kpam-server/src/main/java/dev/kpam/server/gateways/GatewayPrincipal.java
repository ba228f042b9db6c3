package dev.kpam.server.gateways;

import dev.kpam.server.audit.AuditLog.Actor;

/** An enrolled gateway calling the gateway API with its credential. */
public record GatewayPrincipal(String gatewayId, String name, String sourceAddress) {
  public Actor actor() {
    return Actor.of("gateway:" + name, sourceAddress);
  }
}
