package dev.kpam.cli.accounts;

import picocli.CommandLine.Option;

/**
 * Who a grant is for: one member ({@code --user}) or an identity provider group ({@code --group}).
 */
final class Grantee {
  @Option(names = "--user", required = true, paramLabel = "NAME", description = "The member.")
  String user;

  @Option(
      names = "--group",
      required = true,
      paramLabel = "GROUP",
      description = "Everyone in this group of the identity provider (single sign-on).")
  String group;

  /** The grant list's entry: the user name, or {@code group:GROUP}. */
  String entry() {
    return user != null ? user : "group:" + group;
  }
}
