package dev.kpam.cli.accounts;

import dev.kpam.protocol.approvals.AccessRules;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** Approval and break-glass settings of accounts create and update; unset options keep theirs. */
final class AccessOptions {
  @Option(
      names = "--requires-approval",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description = "Sessions need an access request approved by the approvers.")
  Boolean requiresApproval;

  @Option(
      names = "--approvers",
      paramLabel = "USERS",
      description =
          "Who approves, comma-separated: user names, or group:NAME for an identity provider group"
              + " (empty: any admin, the default).")
  String approvers;

  @Option(
      names = "--approvals-needed",
      paramLabel = "N",
      description = "How many approvers must approve a request (default 1).")
  Integer approvalsNeeded;

  @Option(
      names = "--request-timeout",
      paramLabel = "DURATION",
      converter = DurationArgument.class,
      description = "How long a request waits for a decision before it expires (default 24h).")
  String requestTimeout;

  @Option(
      names = "--requires-mfa",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description = "Sessions open only with a code of the user's second factor, asked once.")
  Boolean requiresMfa;

  @Option(
      names = "--break-glass",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "true|false",
      description = "Allow immediate access without approval, with a reason; it is notified.")
  Boolean breakGlass;

  @Option(
      names = "--break-glass-max",
      paramLabel = "DURATION",
      converter = DurationArgument.class,
      description = "Longest break-glass session (default 30m).")
  String breakGlassMax;

  @Option(
      names = "--webhook-url",
      paramLabel = "URL",
      description =
          "Also send this account's notifications (requests, break-glass, terminations) to this"
              + " URL, signed with the server's webhook secret; empty removes it.")
  String webhookUrl;

  @Option(
      names = "--webhook-format",
      paramLabel = "FORMAT",
      description = "json (kpam's events; default) or slack, for --webhook-url.")
  String webhookFormat;

  boolean isEmpty() {
    return access() == null;
  }

  /** What the options set, or null when none is given. */
  AccessRules access() {
    if (requiresApproval == null
        && approvers == null
        && approvalsNeeded == null
        && requestTimeout == null
        && breakGlass == null
        && breakGlassMax == null
        && webhookUrl == null
        && webhookFormat == null
        && requiresMfa == null) {
      return null;
    }
    List<String> names =
        approvers == null
            ? null
            : Arrays.stream(approvers.split(","))
                .map(String::trim)
                .filter(n -> !n.isEmpty())
                .toList();
    return new AccessRules(
        requiresApproval,
        names,
        approvalsNeeded,
        requestTimeout,
        breakGlass,
        breakGlassMax,
        webhookUrl,
        webhookFormat,
        requiresMfa);
  }
}
