package dev.kpam.app;

import dev.kpam.protocol.GoDuration;
import dev.kpam.relay.RelayLimits;
import dev.kpam.server.KpamServer;
import dev.kpam.server.ServerConfig;
import dev.kpam.server.notify.WebhookSettings;
import dev.kpam.server.siem.AuditStreamSettings;
import dev.kpam.transport.ops.OpsOptions;
import dev.kpam.transport.ops.OpsServer;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kpam server}: starts the control plane on the embedded default (SQLite in the data dir) or
 * PostgreSQL, prints where it listens and, on first start, the admin's password.
 *
 * <pre>{@code
 * kpam server --data-dir /var/lib/kpam --http-port 8080
 * kpam server --db-url jdbc:postgresql://db/kpam?user=kpam --public-url https://kpam.example.com
 * kpam server --no-embedded-relay --relay-address relay.example.com:7443
 * }</pre>
 */
@Command(
    name = "server",
    description =
        "Start the kpam control plane (REST API, CA) with the embedded relay, or with standalone"
            + " relays (--no-embedded-relay --relay-address HOST:PORT).",
    mixinStandardHelpOptions = true)
public final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      defaultValue = "${env:HOME:-${sys:user.home}}/.kpam/server",
      description = "Where the embedded database and root key live (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description = "HTTP(S) port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--relay-port",
      defaultValue = "8443",
      description = "Port of the embedded relay (default: ${DEFAULT-VALUE}).")
  int relayPort;

  @Option(
      names = "--relay-address",
      split = ",",
      paramLabel = "HOST:PORT",
      description =
          "A relay gateways and clients are told to use instead of the embedded relay's address,"
              + " e.g. a standalone 'kpam relay' (repeatable or comma-separated; clients use the"
              + " first).")
  List<String> relayAddresses = new ArrayList<>();

  @Option(
      names = "--no-embedded-relay",
      description = "Run without the embedded relay; needs --relay-address.")
  boolean noEmbeddedRelay;

  @Option(
      names = "--relay-max-connections-per-session",
      defaultValue = "" + RelayLimits.DEFAULT_MAX_CONNECTIONS_PER_SESSION,
      description =
          "Client connections one session may hold at the embedded relay at once; one watch or"
              + " exec holds one (default: ${DEFAULT-VALUE}).")
  int relayMaxConnectionsPerSession;

  @Option(
      names = "--relay-max-tunnels-per-gateway",
      defaultValue = "" + RelayLimits.DEFAULT_MAX_TUNNELS_PER_GATEWAY,
      description =
          "Tunnels one gateway may hold at the embedded relay at once, one per instance"
              + " (default: ${DEFAULT-VALUE}).")
  int relayMaxTunnelsPerGateway;

  @Option(
      names = "--bind",
      defaultValue = "0.0.0.0",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bindHost;

  @Option(
      names = "--db-url",
      description =
          "JDBC URL of the database (default: SQLite file in the data dir), e.g. jdbc:postgresql://host/db?user=kpam")
  String dbUrl;

  @Option(
      names = "--public-url",
      description = "URL users and gateways reach this server at (default: http://localhost:PORT).")
  String publicUrl;

  @Option(names = "--tls-cert", description = "PEM certificate chain to serve HTTPS with.")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM private key for --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--root-key-file",
      description = "File holding the root key (default: DATA_DIR/root.key; created 0600).")
  Path rootKeyFile;

  @Option(names = "--root-key", hidden = true, defaultValue = "${env:KPAM_ROOT_KEY}")
  String rootKey;

  @Option(
      names = "--bootstrap-password",
      hidden = true,
      defaultValue = "${env:KPAM_BOOTSTRAP_PASSWORD}")
  String bootstrapPassword;

  @Option(
      names = "--webhook-url",
      paramLabel = "URL",
      description =
          "Send notifications (session terminated, ...) as signed JSON POSTs to this URL;"
              + " the secret comes from --webhook-secret-file or KPAM_WEBHOOK_SECRET.")
  URI webhookUrl;

  @Option(
      names = "--webhook-secret-file",
      paramLabel = "FILE",
      description =
          "File with the secret (16 bytes or more) that signs each notification, to the server's"
              + " webhook and to those of accounts.")
  Path webhookSecretFile;

  @Option(names = "--webhook-secret", hidden = true, defaultValue = "${env:KPAM_WEBHOOK_SECRET}")
  String webhookSecret;

  @Option(
      names = "--webhook-format",
      paramLabel = "FORMAT",
      defaultValue = "json",
      description = "json (kpam's events; default) or slack (a Slack-compatible {\"text\": ...}).")
  String webhookFormat;

  @Mixin OidcOptions oidc = new OidcOptions();

  @Option(
      names = "--audit-http-url",
      paramLabel = "URL",
      description =
          "Also send every audit event, at least once and in order, to this URL as JSON lines"
              + " (POST, application/x-ndjson), e.g. a SIEM's HTTP collector.")
  URI auditHttpUrl;

  @Option(
      names = "--audit-syslog",
      paramLabel = "HOST:PORT",
      description =
          "Also send every audit event to this syslog receiver: RFC 5424 over TCP, octet-counting"
              + " framing.")
  String auditSyslog;

  @Mixin OpsOptions ops = new OpsOptions();

  @Option(
      names = "--admin-step-up",
      paramLabel = "DURATION",
      description =
          "Ask admins for their second factor again before a change in the web UI when they last"
              + " gave it longer ago than this (e.g. 15m; default: never).")
  String adminStepUp;

  @Option(
      names = "--drain-timeout",
      paramLabel = "DURATION",
      defaultValue = "20s",
      description =
          "On SIGTERM: stop taking connections, end the gateways' event streams (they reconnect to"
              + " another replica), let the requests under way finish for at most this long, then"
              + " stop (default: 20s; 0s stops at once).")
  String drainTimeout;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ServerConfig config;
    RelayLimits relayLimits;
    try {
      relayLimits =
          RelayLimits.defaults()
              .withMaxConnectionsPerSession(relayMaxConnectionsPerSession)
              .withMaxTunnelsPerGateway(relayMaxTunnelsPerGateway);
      config =
          ServerConfig.builder()
              .dataDir(dataDir)
              .dbUrl(dbUrl)
              .bindHost(bindHost)
              .httpPort(httpPort)
              .relayPort(relayPort)
              .relayAddresses(relayAddresses)
              .embeddedRelay(!noEmbeddedRelay)
              .publicUrl(publicUrl)
              .tls(tlsCert, tlsKey)
              .rootKeyFile(rootKeyFile)
              .rootKey(blankToNull(rootKey))
              .bootstrapPassword(blankToNull(bootstrapPassword))
              .webhook(webhook())
              .oidc(oidc.settings())
              .adminStepUp(adminStepUp == null ? null : GoDuration.parse(adminStepUp))
              .drainTimeout(GoDuration.parse(drainTimeout))
              .auditStream(new AuditStreamSettings(auditHttpUrl, auditSyslog))
              .build();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 2;
    }
    ControlPlane plane = ControlPlane.start(config, relayLimits);
    KpamServer server = plane.server();
    OpsServer opsServer;
    try {
      opsServer = ops.start(server.metrics().process(), plane::readiness);
    } catch (IllegalArgumentException | IllegalStateException e) {
      plane.close();
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  plane.close(); // drains; meanwhile /readyz says it is stopping
                  if (opsServer != null) opsServer.close();
                  stopped.countDown();
                },
                "kpam-shutdown"));
    out.println(
        "kpam server listening on "
            + server.url()
            + (plane.hasEmbeddedRelay()
                ? ", relay on port " + plane.relay().port()
                : ", without its embedded relay")
            + " (database: "
            + describeDb(config)
            + ")");
    out.println("Relays announced to gateways and clients: " + server.relayAddresses());
    if (opsServer != null) {
      out.println("Metrics and probes on " + ops.metricsAddress() + " (/metrics, /livez, /readyz)");
    }
    server
        .generatedAdminPassword()
        .ifPresent(
            password -> {
              out.println();
              out.println("First start: created user 'admin' with password " + password);
              out.println("It is shown only now. Log in with:");
              out.println("  kpam login --server " + server.url() + " --user admin");
              out.println();
            });
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return 0;
  }

  private static String describeDb(ServerConfig config) {
    return config.dbUrl() == null ? "SQLite " + config.dataDir().resolve("kpam.db") : "PostgreSQL";
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** The webhook of the flags; the secret from its file, else from the environment. */
  private WebhookSettings webhook() {
    String text = SecretFlags.read("--webhook-secret-file", webhookSecretFile, webhookSecret);
    byte[] secret = text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    // A secret alone signs the webhooks of accounts (docs/API.md "Notifications").
    return webhookUrl == null && secret == null
        ? WebhookSettings.NONE
        : new WebhookSettings(webhookUrl, secret, webhookFormat);
  }
}
