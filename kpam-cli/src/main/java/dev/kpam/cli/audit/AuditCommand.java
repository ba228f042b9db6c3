package dev.kpam.cli.audit;

import dev.kpam.cli.CommandGroup;
import picocli.CommandLine.Command;

/** {@code kpam audit}: who did what, when, from where (admin only). */
@Command(
    name = "audit",
    description = "Read the audit log (admin).",
    subcommands = {ListAuditCommand.class})
public final class AuditCommand extends CommandGroup {}
