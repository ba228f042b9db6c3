package dev.kpam.cli.accounts;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The settings of an account that create and update share (the token file is not one). */
final class AccountSettings {
  @Option(
      names = "--max-duration",
      paramLabel = "DURATION",
      converter = DurationArgument.class,
      description = "Longest session with this account, e.g. 8h (default 8h, 1m to 24h).")
  String maxDuration;

  @Option(names = "--description", paramLabel = "TEXT", description = "What the account is for.")
  String description;

  @Option(
      names = "--record-stdin",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description = "Record what users type into exec and attach sessions.")
  Boolean recordStdin;

  @Option(
      names = "--recording-failure-policy",
      paramLabel = "POLICY",
      description = "fail-closed (refuse when recording fails; default) or fail-open.")
  String recordingFailurePolicy;

  @Mixin PolicyOptions policy;

  @Mixin AccessOptions access;

  boolean isEmpty() {
    return maxDuration == null
        && description == null
        && recordStdin == null
        && recordingFailurePolicy == null
        && policy.isEmpty()
        && access.isEmpty();
  }
}
