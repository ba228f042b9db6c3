package dev.kpam.cli.accounts;

import picocli.CommandLine.Option;

/** {@code --resource R --name A}: which account a command acts on. */
final class AccountTarget {
  @Option(
      names = "--resource",
      required = true,
      paramLabel = "NAME",
      description = "The resource the account belongs to.")
  String resource;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "The account name.")
  String name;

  String path() {
    return AccountsCommand.account(resource, name);
  }
}
