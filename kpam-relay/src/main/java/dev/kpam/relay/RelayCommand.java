package dev.kpam.relay;

import dev.kpam.crypto.pki.KeyStores;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.protocol.GoDuration;
import dev.kpam.relay.control.ControlPlaneException;
import dev.kpam.relay.enroll.RelayEnrollment;
import dev.kpam.relay.enroll.RelayFiles;
import dev.kpam.relay.enroll.RelayIdentity;
import dev.kpam.transport.ops.OpsOptions;
import dev.kpam.transport.ops.OpsServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kpam relay}: a standalone relay. Enrolls on first start (with {@code --enroll-token}),
 * then runs until the process is stopped. Later starts need only the data dir.
 *
 * <pre>{@code
 * new CommandLine(new RelayCommand()).execute("--server", "https://kpam.example.com",
 *     "--enroll-token", token, "--address", "relay.example.com:7443");
 * new CommandLine(new RelayCommand()).execute("--data-dir", "/var/lib/kpam/relay");
 * }</pre>
 */
@Command(
    name = "relay",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a standalone kpam relay: gateways dial in and keep tunnels open, clients connect with"
          + " their session certificate and are switched onto a tunnel of their gateway. The relay"
          + " never sees what it relays.",
      "Register it first with 'kpam relays create NAME', start it once with --server and"
          + " --enroll-token (it makes its key and keeps its identity in --data-dir), and announce"
          + " it with 'kpam server --relay-address HOST:PORT' (add --no-embedded-relay to stop the"
          + " server's own). It asks the kpam server whether each session may connect, so an"
          + " ended or terminated session is refused at the relay; while the server is"
          + " unreachable it admits only sessions it admitted before.",
    })
public final class RelayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--server", description = "URL of the kpam server (stored at enrollment).")
  URI server;

  @Option(
      names = "--enroll-token",
      defaultValue = "${env:KPAM_RELAY_ENROLL_TOKEN}",
      description =
          "One-time token from 'kpam relays create' (or KPAM_RELAY_ENROLL_TOKEN); used only on"
              + " the first start.")
  String enrollToken;

  @Option(names = "--name", description = "Name of the relay (informational, in the CSR).")
  String name;

  @Option(
      names = "--data-dir",
      defaultValue = "${env:HOME:-${sys:user.home}}/.kpam/relay",
      description = "Where the key, certificates and credential live (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--address",
      split = ",",
      paramLabel = "HOST:PORT",
      description =
          "Where gateways and clients reach this relay (repeatable); the hosts go into its"
              + " certificate. Given on a later start, the certificate is renewed for them.")
  List<String> addresses = new ArrayList<>();

  @Option(
      names = "--port",
      defaultValue = "7443",
      description = "TCP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "0.0.0.0",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--max-connections-per-session",
      defaultValue = "" + RelayLimits.DEFAULT_MAX_CONNECTIONS_PER_SESSION,
      description =
          "Client connections one session may hold at once; one watch or exec holds one"
              + " (default: ${DEFAULT-VALUE}).")
  int maxConnectionsPerSession;

  @Option(
      names = "--max-tunnels-per-gateway",
      defaultValue = "" + RelayLimits.DEFAULT_MAX_TUNNELS_PER_GATEWAY,
      description =
          "Tunnels one gateway may hold at once, one per instance (default: ${DEFAULT-VALUE}).")
  int maxTunnelsPerGateway;

  @Mixin OpsOptions ops = new OpsOptions();

  @Option(
      names = "--drain-timeout",
      paramLabel = "DURATION",
      defaultValue = "20s",
      description =
          "On SIGTERM: stop listening (clients use the next relay), ask the gateways to close the"
              + " connections of this relay once idle, let those under way finish for at most this"
              + " long, then close the rest and stop (default: 20s; 0s stops at once).")
  String drainTimeout;

  @Option(
      names = "--ca-cert",
      description = "PEM CA to trust for an HTTPS server with a private CA.")
  Path caCert;

  public RelayCommand() {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RelayLimits limits;
    try {
      limits =
          RelayLimits.defaults()
              .withMaxConnectionsPerSession(maxConnectionsPerSession)
              .withMaxTunnelsPerGateway(maxTunnelsPerGateway);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    Duration drain;
    try {
      drain = GoDuration.parse(drainTimeout);
    } catch (IllegalArgumentException e) {
      err.println("error: --drain-timeout: " + e.getMessage());
      return 2;
    }
    HttpClient http = httpClient();
    RelayFiles files = RelayFiles.in(dataDir);
    if (enrollToken != null && files.isEnrolled()) {
      // Restarts keep the identity; a token left in the environment was spent on the first start.
      out.printf(
          "already enrolled (data dir %s); the enrollment token is not needed%n", files.dir());
    } else if (enrollToken != null) {
      if (server == null) {
        err.println("--server is needed with --enroll-token");
        return 2;
      }
      RelayIdentity identity;
      try {
        identity = RelayEnrollment.enroll(server, http, enrollToken, name, addresses);
      } catch (CompletionException e) {
        err.println("error: cannot enroll with " + server + ": " + reason(e));
        return 1;
      }
      files.save(identity);
      out.printf(
          "enrolled relay %s (id %s) with %s%n  key, certificate, CA chain and credential stored"
              + " in %s%n  certificate valid until %s for %s%n",
          identity.name(),
          identity.relayId(),
          server,
          files.dir(),
          identity.certificate().getNotAfter().toInstant(),
          identity.addresses().isEmpty() ? "no address (add --address HOST:PORT)" : addresses);
    } else if (!files.isEnrolled()) {
      err.printf(
          "no enrolled relay in %s; register it with 'kpam relays create NAME', then start once"
              + " with --server URL --enroll-token TOKEN%n",
          files.dir());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    StandaloneRelay relay =
        StandaloneRelay.start(
            StandaloneRelayConfig.defaults(dataDir, server, http, bind, port, addresses)
                .withLimits(limits));
    OpsServer opsServer;
    try {
      opsServer = ops.start(relay.metrics(), relay::readiness);
    } catch (IllegalArgumentException | IllegalStateException e) {
      relay.close();
      err.println("error: " + e.getMessage());
      return 2;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  relay.drain(drain); // meanwhile /readyz says it is stopping
                  relay.close();
                  if (opsServer != null) opsServer.close();
                  stopped.countDown();
                },
                "kpam-relay-shutdown"));
    out.printf(
        "kpam relay %s listening on %s:%d; data dir %s%n"
            + "  announce it with: kpam server --relay-address %s (and --no-embedded-relay)%n"
            + "press Ctrl-C to stop%n",
        relay.relayId(),
        bind,
        relay.port(),
        files.dir(),
        relay.addresses().isEmpty() ? "HOST:" + relay.port() : String.join(",", relay.addresses()));
    out.flush();
    stopped.await();
    return 0;
  }

  private HttpClient httpClient() throws IOException {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (caCert != null) {
      builder.sslContext(
          KeyStores.clientTrusting(
              Pem.parseCertificates(Files.readString(caCert, StandardCharsets.UTF_8))));
    }
    return builder.build();
  }

  private static String reason(CompletionException e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    return cause instanceof ControlPlaneException ? cause.getMessage() : cause.toString();
  }
}
