package dev.kpam.protocol.gateways;

import java.time.Instant;

/**
 * The answer to creating a gateway (or to a new enrollment token): the one-time token and the
 * command that starts the gateway with it. Shown once.
 */
public record CreatedGateway(
    GatewayView gateway, String enrollToken, Instant enrollTokenExpiresAt, String command) {
  @Override
  public String toString() {
    return "CreatedGateway[gateway=" + gateway + ", enrollToken=<redacted>]";
  }
}
