package dev.kpam.protocol.mfa;

import java.util.List;

/**
 * Ten one-time recovery codes, shown once when a factor is confirmed (a new set replaces the old):
 * each stands in for the authenticator app once.
 */
public record RecoveryCodes(List<String> codes) {
  @Override
  public String toString() {
    return "RecoveryCodes[" + codes.size() + " codes, <redacted>]";
  }
}
