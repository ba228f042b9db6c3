package dev.kpam.cli.accounts;

import dev.kpam.cli.ApiOptions;
import dev.kpam.cli.CliException;
import dev.kpam.cli.Table;
import dev.kpam.protocol.policy.WhatIfGroup;
import dev.kpam.protocol.policy.WhatIfReport;
import dev.kpam.protocol.policy.WhatIfRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kpam accounts what-if}: what a draft policy would have denied of the account's recorded
 * requests, by user and command.
 */
@Command(
    name = "what-if",
    description =
        "Replay the account's recorded requests against a draft policy and show what it would"
            + " have denied, by user and command (admin). Changes nothing.")
final class WhatIfCommand implements Callable<Integer> {
  static final Table<WhatIfGroup> TABLE =
      new Table<WhatIfGroup>()
          .column("USER", WhatIfGroup::user)
          .column("COMMAND", WhatIfGroup::command)
          .column("REQUESTS", group -> Long.toString(group.requests()))
          .column("DENIED", group -> Long.toString(group.denied()))
          .column("FIRST DENIAL", group -> group.example() == null ? "" : group.example());

  @Mixin ApiOptions api;
  @Mixin AccountTarget target;
  @Mixin PolicyOptions policy;

  @Option(
      names = "--since",
      paramLabel = "DURATION",
      description = "How far back to replay, e.g. 7d or 12h (default 7d, at most 90d).")
  String since;

  @Override
  public Integer call() {
    if (policy.isEmpty()) {
      throw new CliException("give the draft: --policy FILE or --preset NAME");
    }
    WhatIfReport report =
        api.client()
            .post(
                target.path() + "/what-if",
                new WhatIfRequest(policy.policy(), policy.preset, since),
                WhatIfReport.class);
    api.printOne(
        report,
        out -> {
          out.printf(
              "%s since %s: %d of %d recorded requests would have been denied (%d sessions)%s%n",
              report.account(),
              report.since(),
              report.denied(),
              report.requests(),
              report.sessions(),
              report.truncated() ? "; only the newest were replayed" : "");
          if (!report.groups().isEmpty()) {
            out.println();
            TABLE.print(out, report.groups());
          }
        });
    return 0;
  }
}
