package dev.kpam.cli.resources;

import dev.kpam.cli.CommandGroup;
import dev.kpam.cli.Table;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.resources.ResourceView;
import picocli.CommandLine.Command;

/** {@code kpam resources}: Kubernetes API servers reachable through a gateway. */
@Command(
    name = "resources",
    description = "Create, list, update and delete Kubernetes resources.",
    subcommands = {
      CreateResourceCommand.class,
      ListResourcesCommand.class,
      UpdateResourceCommand.class,
      DeleteResourceCommand.class
    })
public final class ResourcesCommand extends CommandGroup {
  static final String PATH = "/api/v1/resources";

  static final Table<ResourceView> TABLE =
      new Table<ResourceView>()
          .column("NAME", ResourceView::name)
          .column("URL", ResourceView::url)
          .column("GATEWAY", ResourceView::gateway)
          .column("GATEWAY STATUS", ResourceView::gatewayStatus)
          .column("TLS", ResourcesCommand::tls);

  static String path(String name) {
    return PATH + "/" + Query.encode(name);
  }

  /** How the gateway checks the API server's certificate, in a word or three. */
  private static String tls(ResourceView resource) {
    if (resource.insecureSkipTlsVerify()) {
      return "insecure";
    }
    StringBuilder how = new StringBuilder("verify");
    if (resource.caCert() != null && !resource.caCert().isEmpty()) {
      how.append(",ca");
    }
    if (resource.serverName() != null && !resource.serverName().isEmpty()) {
      how.append(",name=").append(resource.serverName());
    }
    return how.toString();
  }
}
