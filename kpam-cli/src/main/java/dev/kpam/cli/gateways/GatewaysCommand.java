package dev.kpam.cli.gateways;

import dev.kpam.cli.CommandGroup;
import dev.kpam.cli.Table;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.gateways.CreatedGateway;
import dev.kpam.protocol.gateways.GatewayView;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code kpam gateways}: the gateways that reach private clusters (admin only). */
@Command(
    name = "gateways",
    description = "Create, list and delete gateways (admin).",
    subcommands = {
      CreateGatewayCommand.class,
      ListGatewaysCommand.class,
      EnrollTokenCommand.class,
      DeleteGatewayCommand.class
    })
public final class GatewaysCommand extends CommandGroup {
  static final String PATH = "/api/v1/gateways";

  static final Table<GatewayView> TABLE =
      new Table<GatewayView>()
          .column("NAME", GatewayView::name)
          .column("STATUS", GatewayView::status)
          .column("INSTANCES", g -> g.instancesOnline() + "/" + g.instances() + " online")
          .column("VERSION", GatewayView::version)
          .column("LAST HEARTBEAT", GatewayView::lastHeartbeatAt);

  static String path(String name) {
    return PATH + "/" + Query.encode(name);
  }

  /** How a new enrollment token reads for people: what it is, until when, and what to run. */
  static void printEnrollment(PrintWriter out, CreatedGateway created) {
    out.println("Gateway " + created.gateway().name() + " is waiting for enrollment.");
    out.println(
        "Enrollment token (works once, until "
            + Table.cell(created.enrollTokenExpiresAt())
            + "): "
            + created.enrollToken());
    if (created.command() != null) {
      out.println("Start the gateway with:");
      out.println("  " + created.command());
    }
  }
}
