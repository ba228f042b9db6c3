package dev.kpam.cli.access;

import java.io.IOException;

/** The inner TLS peer is not the gateway the session was issued for. */
final class GatewayIdentityException extends IOException {
  GatewayIdentityException(String expectedGatewayId, String presented) {
    super(
        "the kpam gateway presented "
            + presented
            + ", expected a certificate of gateway "
            + expectedGatewayId
            + "; refusing to send requests to it");
  }
}
