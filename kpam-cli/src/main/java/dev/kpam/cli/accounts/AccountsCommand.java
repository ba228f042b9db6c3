package dev.kpam.cli.accounts;

import dev.kpam.cli.CommandGroup;
import dev.kpam.cli.Table;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.accounts.AccountView;
import dev.kpam.protocol.approvals.AccessRules;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code kpam accounts}: stored service-account tokens of a resource, and who may use them. No
 * option takes a token value: it comes from a file or standard input, never the command line.
 */
@Command(
    name = "accounts",
    description =
        "Create, list, update, delete, grant and revoke accounts of resources; try policies.",
    subcommands = {
      CreateAccountCommand.class,
      ListAccountsCommand.class,
      UpdateAccountCommand.class,
      DeleteAccountCommand.class,
      GrantAccountCommand.class,
      RevokeAccountCommand.class,
      WhatIfCommand.class
    })
public final class AccountsCommand extends CommandGroup {
  static final Table<AccountView> TABLE =
      new Table<AccountView>()
          .column("RESOURCE", AccountView::resource)
          .column("NAME", AccountView::name)
          .column("MAX DURATION", AccountView::maxSessionDuration)
          .column("TOKEN", account -> account.tokenStored() ? "stored" : "missing")
          .column("POLICY", AccountsCommand::policy)
          .column("ACCESS", AccountsCommand::access)
          .column("GRANTS", AccountView::grants)
          .column("DESCRIPTION", AccountView::description);

  /** The preset, "custom (N rules)", or "-" when sessions may do all the account may. */
  static String policy(AccountView account) {
    if (account.policy() == null) {
      return "-";
    }
    return account.policy().preset() != null
        ? account.policy().preset()
        : "custom (" + account.policy().rules().size() + " rules)";
  }

  /** "approval (1 of carol, dave)", "break-glass", both, or "open". */
  static String access(AccountView account) {
    AccessRules rules = account.access();
    if (rules == null) {
      return "open";
    }
    List<String> parts = new ArrayList<>();
    if (Boolean.TRUE.equals(rules.requiresApproval())) {
      String who = rules.approvers().isEmpty() ? "admins" : String.join(", ", rules.approvers());
      parts.add("approval (" + rules.approvalsNeeded() + " of " + who + ")");
    }
    if (Boolean.TRUE.equals(rules.breakGlass())) {
      parts.add("break-glass");
    }
    return parts.isEmpty() ? "open" : String.join(", ", parts);
  }

  static String accounts(String resource) {
    return "/api/v1/resources/" + Query.encode(resource) + "/accounts";
  }

  static String account(String resource, String name) {
    return accounts(resource) + "/" + Query.encode(name);
  }
}
