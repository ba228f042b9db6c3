package dev.kpam.app;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.relay.GateDecision;
import dev.kpam.relay.RelayConfig;
import dev.kpam.relay.RelayLimits;
import dev.kpam.relay.RelayServer;
import dev.kpam.relay.SessionGate;
import dev.kpam.server.KpamServer;
import dev.kpam.server.ServerConfig;
import dev.kpam.transport.ops.OpsServer;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What {@code kpam server} runs: the control plane and, embedded beside it unless {@link
 * ServerConfig#embeddedRelay()} is off, the relay (DESIGN §1). The relay's certificate comes from
 * the server's CA with the identity {@code kpam://relay/embedded}, and it asks the server's
 * database whether a session may connect. The server and relay modules do not know each other; this
 * is where they meet.
 *
 * <pre>{@code
 * try (ControlPlane plane = ControlPlane.start(ServerConfig.builder().dataDir(dir).build())) {
 *   plane.server().url();
 * }
 * }</pre>
 */
public final class ControlPlane implements AutoCloseable {
  static final Duration RELAY_CERTIFICATE_VALIDITY = Duration.ofDays(365);
  static final String EMBEDDED_RELAY_ID = "embedded";

  private final KpamServer server;
  private final RelayServer relay;
  private final ExecutorService gateThreads;
  private final Duration drainTimeout;

  private ControlPlane(
      KpamServer server, RelayServer relay, ExecutorService gateThreads, Duration drainTimeout) {
    this.drainTimeout = drainTimeout;
    this.server = server;
    this.relay = relay;
    this.gateThreads = gateThreads;
  }

  /** Starts with the embedded relay's {@link RelayLimits#defaults()}. */
  public static ControlPlane start(ServerConfig config) {
    return start(config, RelayLimits.defaults());
  }

  /** Starts; {@code relayLimits} bound the embedded relay's peers (unused without it). */
  public static ControlPlane start(ServerConfig config, RelayLimits relayLimits) {
    KpamServer server = KpamServer.start(config);
    if (!config.embeddedRelay()) {
      return new ControlPlane(server, null, null, config.drainTimeout());
    }
    ExecutorService gateThreads =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread thread = new Thread(r, "kpam-relay-gate");
              thread.setDaemon(true);
              return thread;
            });
    try {
      CertificateAuthority ca = server.certificateAuthority();
      KeyPair key = KeyPairs.generateEcP256();
      X509Certificate certificate =
          ca.issueRelayCertificate(
              key.getPublic(),
              EMBEDDED_RELAY_ID,
              relayNames(server.url()),
              List.of("127.0.0.1"),
              RELAY_CERTIFICATE_VALIDITY);
      // The database lookup blocks, so it runs on the gate's own threads, never on a relay
      // event loop.
      SessionGate gate =
          (sessionId, gatewayId) ->
              CompletableFuture.supplyAsync(
                  () ->
                      server
                          .sessionRefusal(sessionId, gatewayId)
                          .map(GateDecision::refuse)
                          .orElseGet(GateDecision::allow),
                  gateThreads);
      RelayServer relay =
          RelayServer.start(
              new RelayConfig(
                  config.bindHost(),
                  config.relayPort(),
                  key.getPrivate(),
                  List.of(certificate, ca.certificate()),
                  ca.chain(),
                  gate,
                  config.clock(),
                  RelayConfig.DEFAULT_PING_INTERVAL,
                  RelayConfig.DEFAULT_DEAD_AFTER,
                  relayLimits));
      server.relayListening(relay.port());
      relay.bindMetrics(server.metrics().process().registry());
      return new ControlPlane(server, relay, gateThreads, config.drainTimeout());
    } catch (RuntimeException e) {
      gateThreads.shutdownNow();
      server.close();
      throw e;
    }
  }

  private static List<String> relayNames(URI publicUrl) {
    List<String> names = new ArrayList<>(List.of("localhost"));
    String host = publicUrl.getHost();
    if (host != null && !names.contains(host) && !Character.isDigit(host.charAt(0))) {
      names.add(host);
    }
    return names;
  }

  public KpamServer server() {
    return server;
  }

  /**
   * The embedded relay.
   *
   * @throws IllegalStateException when the server runs without it
   */
  public RelayServer relay() {
    if (relay == null) {
      throw new IllegalStateException(
          "this kpam server runs without its embedded relay (--no-embedded-relay)");
    }
    return relay;
  }

  /**
   * Ready while the database answers and the embedded relay (where there is one) listens, and not
   * once it stops.
   */
  public OpsServer.Readiness readiness() {
    if (server.draining()) {
      return new OpsServer.Readiness(false, "stopping: finishing the requests under way");
    }
    if (!server.metrics().databaseReachable()) {
      return new OpsServer.Readiness(false, "the database does not answer");
    }
    if (relay != null && !relay.listening()) {
      return new OpsServer.Readiness(false, "the embedded relay does not listen");
    }
    return new OpsServer.Readiness(
        true, "database answers" + (relay == null ? "" : ", relay listens"));
  }

  /** Whether the relay is embedded (else gateways and clients use standalone relays). */
  public boolean hasEmbeddedRelay() {
    return relay != null;
  }

  /**
   * Drains the embedded relay and the server side by side (each within the drain timeout), then
   * closes the relay, the server and the gate's threads.
   */
  @Override
  public void close() {
    if (relay == null) {
      server.close();
      return;
    }
    CompletableFuture<Boolean> relayDrained =
        CompletableFuture.supplyAsync(() -> relay.drain(drainTimeout));
    server.close(); // drains first
    relayDrained.join();
    relay.close();
    gateThreads.shutdownNow();
    try {
      gateThreads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
