package dev.kpam.protocol.relays;

import java.time.Instant;

/**
 * The answer to registering a relay: the one-time enrollment token and the command that starts the
 * relay with it. Shown once.
 */
public record CreatedRelay(
    RelayView relay, String enrollToken, Instant enrollTokenExpiresAt, String command) {
  @Override
  public String toString() {
    return "CreatedRelay[relay=" + relay + ", enrollToken=<redacted>]";
  }
}
