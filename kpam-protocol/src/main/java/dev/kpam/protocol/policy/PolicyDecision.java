package dev.kpam.protocol.policy;

/**
 * A policy's answer to one request: allowed or not, with the line kubectl shows for a denial, and
 * the index of the rule that decided ({@code -1}: nothing matched, or the request always passes).
 */
public record PolicyDecision(boolean allowed, String message, int rule) {
  static final PolicyDecision ALWAYS = new PolicyDecision(true, null, -1);
}
