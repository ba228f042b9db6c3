package dev.kpam.server.gateways;

import dev.kpam.server.audit.AuditLog.Actor;

/**
 * An enrolled gateway calling the gateway API with its credential; {@code instanceId} names the
 * instance of a pool the credential belongs to ('' for one enrolled before pools).
 */
public record GatewayPrincipal(
    String gatewayId, String name, String instanceId, String sourceAddress) {
  public Actor actor() {
    return Actor.of("gateway:" + name, sourceAddress);
  }
}
