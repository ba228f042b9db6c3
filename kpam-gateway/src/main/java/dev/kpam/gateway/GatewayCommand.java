package dev.kpam.gateway;

import dev.kpam.crypto.pki.KeyStores;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.gateway.enroll.Enrollment;
import dev.kpam.gateway.enroll.GatewayFiles;
import dev.kpam.gateway.enroll.GatewayIdentity;
import dev.kpam.protocol.GoDuration;
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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kpam gateway}: enrolls on first start (with {@code --enroll-token}), then runs the gateway
 * until Ctrl-C. Later starts need only the data dir.
 *
 * <pre>{@code
 * new CommandLine(new GatewayCommand()).execute("--server", "https://kpam:8443", "--enroll-token", token);
 * new CommandLine(new GatewayCommand()).execute("--data-dir", "/var/lib/kpam/gateway");
 * }</pre>
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = "Run a kpam gateway next to a Kubernetes API server (enrolls on first start).")
public final class GatewayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--server", description = "URL of the kpam server (stored at enrollment).")
  URI server;

  @Option(
      names = "--enroll-token",
      defaultValue = "${env:KPAM_ENROLL_TOKEN}",
      description =
          "One-time token from 'kpam gateways create' (or KPAM_ENROLL_TOKEN); used only on the"
              + " first start.")
  String enrollToken;

  @Option(names = "--name", description = "Name of the gateway (informational, in the CSR).")
  String name;

  @Option(
      names = "--data-dir",
      defaultValue = "${env:HOME:-${sys:user.home}}/.kpam/gateway",
      description = "Where the key, certificates and credential live (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--ca-cert",
      description = "PEM CA to trust for an HTTPS server with a private CA.")
  Path caCert;

  @Mixin OpsOptions ops = new OpsOptions();

  @Option(
      names = "--drain-timeout",
      paramLabel = "DURATION",
      defaultValue = "20s",
      description =
          "On SIGTERM: tell the relays to send no new connections here (they go to the gateway's"
              + " other instances), close idle connections, let the requests and streams under way"
              + " finish for at most this long, then end the rest and stop (default: 20s).")
  String drainTimeout;

  private final UnaryOperator<GatewayConfig> configure;

  public GatewayCommand() {
    this(UnaryOperator.identity());
  }

  /** A command whose gateway runs with {@code configure} applied to the defaults (benchmarks). */
  public GatewayCommand(UnaryOperator<GatewayConfig> configure) {
    this.configure = configure;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    HttpClient http = httpClient();
    GatewayFiles files = GatewayFiles.in(dataDir);
    if (enrollToken != null && files.isEnrolled()) {
      // Restarts keep the identity; a token left in the environment was spent on the first start.
      out.printf(
          "already enrolled (data dir %s); the enrollment token is not needed%n", files.dir());
    } else if (enrollToken != null) {
      if (server == null) {
        err.println("--server is needed with --enroll-token");
        return 2;
      }
      GatewayIdentity identity =
          Enrollment.enroll(server, http, enrollToken, name, Gateway.VERSION);
      files.save(identity);
      out.printf(
          "enrolled gateway %s (id %s) with %s%n  key, certificate, CA chain and credential stored in %s%n"
              + "  certificate valid until %s; relays: %s%n",
          identity.name(),
          identity.gatewayId(),
          server,
          files.dir(),
          identity.certificate().getNotAfter().toInstant(),
          identity.relayAddresses());
    } else if (!files.isEnrolled()) {
      err.printf(
          "no enrolled gateway in %s; start once with --server URL --enroll-token TOKEN%n",
          files.dir());
      return 2;
    }
    Duration drain;
    try {
      drain = GoDuration.parse(drainTimeout);
    } catch (IllegalArgumentException e) {
      err.println("error: --drain-timeout: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Gateway gateway = Gateway.start(configure.apply(GatewayConfig.defaults(dataDir, server, http)));
    OpsServer opsServer;
    try {
      opsServer = ops.start(gateway.metrics(), gateway::readiness);
    } catch (IllegalArgumentException | IllegalStateException e) {
      gateway.close();
      err.println("error: " + e.getMessage());
      return 2;
    }
    Thread hook =
        new Thread(
            () -> {
              gateway.drain(drain); // meanwhile /readyz says it is stopping
              gateway.close();
              if (opsServer != null) opsServer.close();
              stopped.countDown();
            },
            "kpam-gateway-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.printf(
        "gateway %s running; data dir %s; press Ctrl-C to stop%n",
        gateway.gatewayId(), files.dir());
    if (opsServer != null) {
      out.printf("metrics and probes on %s (/metrics, /livez, /readyz)%n", ops.metricsAddress());
    }
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
}
