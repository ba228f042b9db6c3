package dev.kpam.relay;

import dev.kpam.crypto.pki.CertificateRenewal;
import dev.kpam.relay.control.ControlPlaneClient;
import dev.kpam.relay.control.ServerSessionGate;
import dev.kpam.relay.enroll.RelayEnrollment;
import dev.kpam.relay.enroll.RelayFiles;
import dev.kpam.relay.enroll.RelayIdentity;
import dev.kpam.transport.ops.OpsServer;
import dev.kpam.transport.ops.ProcessMetrics;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@code kpam relay}: the {@link RelayServer} with the enrolled relay certificate, a
 * {@link ServerSessionGate} that asks the kpam server about every session, and certificate renewal
 * at 2/3 of the lifetime (a renewed certificate is used for new connections; open ones stay).
 *
 * <pre>{@code
 * StandaloneRelay relay = StandaloneRelay.start(StandaloneRelayConfig.defaults(dataDir, null, http, "0.0.0.0", 7443, List.of()));
 * Runtime.getRuntime().addShutdownHook(new Thread(relay::close));
 * }</pre>
 */
public final class StandaloneRelay implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StandaloneRelay.class);
  private static final Duration RETRY = Duration.ofMinutes(1);

  private final StandaloneRelayConfig config;
  private final RelayFiles files;
  private final AtomicReference<RelayIdentity> identity;
  private final ControlPlaneClient api;
  private final ScheduledExecutorService control;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ProcessMetrics metrics = ProcessMetrics.of("relay");
  private volatile RelayServer relay;

  private StandaloneRelay(StandaloneRelayConfig config, RelayFiles files, RelayIdentity loaded) {
    this.config = config;
    this.files = files;
    URI server = config.server() != null ? config.server() : loaded.server();
    if (server == null) {
      throw new IllegalArgumentException(
          "server: none (expected: --server or a stored server URL)");
    }
    this.identity = new AtomicReference<>(loaded.withServer(server));
    this.api = new ControlPlaneClient(server, config.http(), () -> identity.get().credential());
    this.control =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "kpam-relay-control");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Loads the identity from the data dir and starts listening.
   *
   * @throws IllegalStateException if the data dir holds no enrolled relay, or the port is taken
   */
  public static StandaloneRelay start(StandaloneRelayConfig config) {
    RelayFiles files = RelayFiles.in(config.dataDir());
    if (!files.isEnrolled()) {
      throw new IllegalStateException(
          "no enrolled relay in "
              + files.dir()
              + " (expected: run with --server and --enroll-token first)");
    }
    StandaloneRelay standalone = new StandaloneRelay(config, files, files.load());
    try {
      standalone.startParts();
      return standalone;
    } catch (RuntimeException e) {
      standalone.close();
      throw e;
    }
  }

  private void startParts() {
    RelayIdentity current = identity.get();
    relay =
        RelayServer.start(
            new RelayConfig(
                    config.bindHost(),
                    config.port(),
                    current.key(),
                    List.of(current.certificate()),
                    current.caChain(),
                    new ServerSessionGate(api, config.clock(), config.admissionCache()),
                    config.clock())
                .withLimits(config.limits()));
    relay.bindMetrics(metrics.registry());
    if (!config.addresses().isEmpty() && !config.addresses().equals(current.addresses())) {
      log.info(
          "the relay is now reached at {} (its certificate is for {}); renewing it",
          config.addresses(),
          current.addresses());
      scheduleRenewal(Duration.ZERO);
    } else {
      // When a stored certificate arrived is not known: count from its notBefore.
      scheduleRenewal(
          CertificateRenewal.delay(
              current.certificate(),
              current.certificate().getNotBefore().toInstant(),
              config.clock().instant()));
    }
  }

  /** The relay's metrics (JVM, tunnels, connections), for {@code /metrics}. */
  public ProcessMetrics metrics() {
    return metrics;
  }

  /** Ready while it listens with a certificate that has not expired. */
  public OpsServer.Readiness readiness() {
    RelayServer server = relay;
    if (server != null && server.draining()) {
      return new OpsServer.Readiness(false, "stopping: the connections under way finish");
    }
    if (server == null || !server.listening()) {
      return new OpsServer.Readiness(false, "the relay does not listen");
    }
    if (!certificateNotAfter().isAfter(config.clock().instant())) {
      return new OpsServer.Readiness(false, "the relay's certificate has expired");
    }
    return new OpsServer.Readiness(true, "listening on port " + server.port());
  }

  public String relayId() {
    return identity.get().relayId();
  }

  /** The port the relay listens on. */
  public int port() {
    return relay.port();
  }

  /** Gateway id → number of live tunnels, a snapshot. */
  public Map<String, Integer> connectedGateways() {
    return relay.connectedGateways();
  }

  /** The client connections it carries now. */
  public int clientConnections() {
    return relay.clientConnections();
  }

  /** When the current relay certificate expires. */
  public Instant certificateNotAfter() {
    return identity.get().certificate().getNotAfter().toInstant();
  }

  /** The addresses the current certificate was issued for. */
  public List<String> addresses() {
    return identity.get().addresses();
  }

  private void scheduleRenewal(Duration delay) {
    if (!closed.get()) {
      control.schedule(this::renew, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void renew() {
    RelayIdentity current = identity.get();
    List<String> addresses =
        config.addresses().isEmpty() ? current.addresses() : config.addresses();
    RelayEnrollment.renew(api, current, addresses)
        .whenComplete(
            (renewed, error) -> {
              if (error != null) {
                log.warn(
                    "certificate renewal failed, retrying in {}: {}", RETRY, error.getMessage());
                scheduleRenewal(RETRY);
                return;
              }
              Instant received = config.clock().instant();
              files.saveCertificate(renewed);
              identity.set(renewed);
              relay.useCertificate(
                  renewed.key(), List.of(renewed.certificate()), renewed.caChain());
              log.info("renewed the relay certificate; it expires at {}", certificateNotAfter());
              scheduleRenewal(CertificateRenewal.delay(renewed.certificate(), received, received));
            });
  }

  /** As on SIGTERM before {@link #close}: see {@link RelayServer#drain}. */
  public boolean drain(Duration bound) {
    RelayServer server = relay;
    return server == null || server.drain(bound);
  }

  /** Stops renewing, then closes the relay (tunnels and client connections). Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    control.shutdownNow();
    RelayServer server = relay;
    if (server != null) {
      server.close();
    }
    metrics.close();
  }
}
