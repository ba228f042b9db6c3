package dev.kpam.cli.access;

import dev.kpam.cli.CommandGroup;
import picocli.CommandLine.Command;

/** {@code kpam k8s} (alias {@code kpam kubernetes}): access to Kubernetes resources. */
@Command(
    name = "k8s",
    aliases = "kubernetes",
    description = "Access Kubernetes resources through kpam.",
    subcommands = AccessCommand.class)
public final class K8sCommand extends CommandGroup {}
