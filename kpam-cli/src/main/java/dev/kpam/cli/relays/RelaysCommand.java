package dev.kpam.cli.relays;

import dev.kpam.cli.CommandGroup;
import dev.kpam.cli.Table;
import dev.kpam.cli.api.Query;
import dev.kpam.protocol.relays.CreatedRelay;
import dev.kpam.protocol.relays.RelayView;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code kpam relays}: standalone relays registered with the server (admin only). */
@Command(
    name = "relays",
    description = "Register, list and delete standalone relays (admin).",
    subcommands = {CreateRelayCommand.class, ListRelaysCommand.class, DeleteRelayCommand.class})
public final class RelaysCommand extends CommandGroup {
  static final String PATH = "/api/v1/relays";

  static final Table<RelayView> TABLE =
      new Table<RelayView>()
          .column("NAME", RelayView::name)
          .column("STATUS", RelayView::status)
          .column("ADDRESSES", relay -> String.join(",", relay.addresses()))
          .column("CERTIFICATE EXPIRES", RelayView::certificateExpiresAt);

  static String path(String name) {
    return PATH + "/" + Query.encode(name);
  }

  /** How a new enrollment token reads for people: what it is, until when, and what to run. */
  static void printEnrollment(PrintWriter out, CreatedRelay created) {
    out.println("Relay " + created.relay().name() + " is waiting for enrollment.");
    out.println(
        "Enrollment token (works once, until "
            + Table.cell(created.enrollTokenExpiresAt())
            + "): "
            + created.enrollToken());
    out.println(
        "Start the relay with (add --address HOST:PORT, where gateways and clients reach it):");
    out.println("  " + created.command());
    out.println("Then announce it: kpam server --relay-address HOST:PORT [--no-embedded-relay]");
  }
}
