package dev.kpam.gateway;

import dev.kpam.crypto.pki.CertificateRenewal;
import dev.kpam.gateway.control.ControlPlaneClient;
import dev.kpam.gateway.control.GatewayEventStream;
import dev.kpam.gateway.control.ServerEventEndpoint;
import dev.kpam.gateway.control.ServerSessionDirectory;
import dev.kpam.gateway.enroll.Enrollment;
import dev.kpam.gateway.enroll.GatewayFiles;
import dev.kpam.gateway.enroll.GatewayIdentity;
import dev.kpam.gateway.metrics.MeteredRecording;
import dev.kpam.gateway.proxy.KubeProxy;
import dev.kpam.gateway.proxy.SessionConnections;
import dev.kpam.gateway.proxy.UpstreamPools;
import dev.kpam.gateway.record.EventUploader;
import dev.kpam.gateway.record.SessionRecording;
import dev.kpam.gateway.record.Spool;
import dev.kpam.gateway.session.SessionDeniedException;
import dev.kpam.gateway.session.SessionDirectory;
import dev.kpam.protocol.gateways.GatewayEvent;
import dev.kpam.protocol.gateways.Heartbeat;
import dev.kpam.protocol.gateways.HeartbeatAnswer;
import dev.kpam.transport.ops.Drain;
import dev.kpam.transport.ops.OpsServer;
import dev.kpam.transport.ops.ProcessMetrics;
import dev.kpam.transport.tls.TlsContexts;
import dev.kpam.transport.tunnel.TunnelClient;
import dev.kpam.transport.tunnel.TunnelClientConfig;
import dev.kpam.transport.tunnel.TunnelListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running kpam gateway: tunnels to its relays, the Kubernetes proxy on every stream they open,
 * heartbeats, certificate renewal at 2/3 of the lifetime, and the server's push stream (a session
 * that ends is closed everywhere within a second). See CONCURRENCY.md for who runs where.
 *
 * <pre>{@code
 * Gateway gateway = Gateway.start(GatewayConfig.defaults(dataDir, null, HttpClient.newHttpClient()));
 * Runtime.getRuntime().addShutdownHook(new Thread(gateway::close));
 * }</pre>
 */
public final class Gateway implements AutoCloseable {
  public static final String VERSION = "0.1.0";
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  /** How long a stopping gateway waits for its spool to reach the server (SIGTERM). */
  static final Duration UPLOAD_GRACE = Duration.ofSeconds(5);

  private static final Duration RETRY = Duration.ofMinutes(1);

  private final GatewayConfig config;
  private final GatewayFiles files;
  private final AtomicReference<GatewayIdentity> identity;
  private final AtomicReference<SslContext> innerTls = new AtomicReference<>();
  private final AtomicReference<SslContext> tunnelTls = new AtomicReference<>();
  private final ControlPlaneClient api;
  private final SessionDirectory directory;
  private final Spool spool;
  private final EventUploader uploader;
  private final SessionConnections connections;
  private final UpstreamPools pools;
  private final EventLoopGroup group;
  private final KubeProxy proxy;
  private final ScheduledExecutorService control;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean draining;

  private final ProcessMetrics metrics = ProcessMetrics.of("gateway");
  private volatile TunnelClient tunnels;
  private volatile GatewayEventStream events;

  private Gateway(GatewayConfig config, GatewayIdentity loaded) {
    this.config = config;
    this.files = GatewayFiles.in(config.dataDir());
    URI server = config.server() != null ? config.server() : loaded.server();
    if (server == null) {
      throw new IllegalArgumentException(
          "server: none (expected: --server or a stored server URL)");
    }
    this.identity = new AtomicReference<>(loaded.withServer(server));
    useCertificate(loaded);
    this.api = new ControlPlaneClient(server, config.http(), () -> identity.get().credential());
    this.directory = new ServerSessionDirectory(api, config.clock(), config.lookupRefresh());
    this.spool = Spool.open(config.dataDir().resolve("spool"), config.clock());
    SessionRecording recording =
        new MeteredRecording(config.recording().apply(spool), metrics.registry());
    this.connections = new SessionConnections(recording);
    spool.onFailure(connections::recordingFailed);
    this.uploader = EventUploader.start(spool, new ServerEventEndpoint(api));
    MeterRegistry registry = metrics.registry();
    Gauge.builder("kpam.gateway.tunnels", this, g -> g.connectedRelays().size())
        .description("Relays this gateway has a tunnel to")
        .register(registry);
    Gauge.builder("kpam.gateway.events.connected", this, g -> g.eventsConnected() ? 1 : 0)
        .description("1 while the server's push stream is connected")
        .register(registry);
    Gauge.builder("kpam.gateway.spool.backlog", spool, Spool::backlog)
        .description("Recorded events not yet acknowledged by the server")
        .baseUnit("events")
        .register(registry);
    Gauge.builder("kpam.gateway.upload.lag", uploader, u -> u.lag().toMillis() / 1000.0)
        .description("How long the upload has made no progress while events wait")
        .baseUnit("seconds")
        .register(registry);
    this.pools = new UpstreamPools(config.maxIdleConnectionsPerResource());
    this.group =
        new MultiThreadIoEventLoopGroup(config.eventLoopThreads(), NioIoHandler.newFactory());
    this.proxy =
        new KubeProxy(
            loaded.gatewayId(),
            innerTls::get,
            directory,
            pools,
            connections,
            config.taps().apply(recording),
            recording,
            config.clock());
    this.control =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "kpam-gateway-control");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Loads the identity from the data dir and starts everything. */
  public static Gateway start(GatewayConfig config) {
    GatewayFiles files = GatewayFiles.in(config.dataDir());
    if (!files.isEnrolled()) {
      throw new IllegalStateException(
          "no enrolled gateway in "
              + files.dir()
              + " (expected: run with --server and --enroll-token first)");
    }
    Gateway gateway = new Gateway(config, files.load());
    try {
      gateway.startParts();
      return gateway;
    } catch (RuntimeException e) {
      gateway.close();
      throw e;
    }
  }

  private void startParts() {
    GatewayIdentity current = identity.get();
    if (!current.relayAddresses().isEmpty()) {
      useRelays(current.relayAddresses());
    } else {
      log.warn("no relay addresses yet: the gateway serves no client until the server names one");
    }
    events = GatewayEventStream.start(api, this::onEvent);
    spool.sessionIds().forEach(this::checkSpooledSession);
    long heartbeat = config.heartbeatInterval().toMillis();
    control.scheduleWithFixedDelay(this::heartbeat, 0, heartbeat, TimeUnit.MILLISECONDS);
    long refresh = config.lookupRefresh().toMillis();
    control.scheduleWithFixedDelay(
        this::recheckOpenSessions, refresh, refresh, TimeUnit.MILLISECONDS);
    // When a stored certificate arrived is not known: count from its notBefore.
    scheduleRenewal(renewalDelay(current, current.certificate().getNotBefore().toInstant()));
  }

  /** The gateway id from the enrolled identity. */
  public String gatewayId() {
    return identity.get().gatewayId();
  }

  /** Relays with an established tunnel right now. */
  public Set<String> connectedRelays() {
    TunnelClient client = tunnels;
    return client == null ? Set.of() : client.connectedRelays();
  }

  /** The gateway's metrics (JVM, requests, streams, tunnels, spool), for {@code /metrics}. */
  public ProcessMetrics metrics() {
    return metrics;
  }

  /** Ready while a tunnel to a relay is up: only then can a session reach this gateway. */
  public OpsServer.Readiness readiness() {
    if (draining) {
      return new OpsServer.Readiness(false, "stopping: finishing the requests under way");
    }
    int up = connectedRelays().size();
    return up > 0
        ? new OpsServer.Readiness(true, up + " tunnel(s) up")
        : new OpsServer.Readiness(false, "no tunnel to a relay is up");
  }

  /** Whether the server's push stream is connected. */
  public boolean eventsConnected() {
    GatewayEventStream stream = events;
    return stream != null && stream.isConnected();
  }

  /** When the current gateway certificate expires. */
  public Instant certificateNotAfter() {
    return identity.get().certificate().getNotAfter().toInstant();
  }

  /**
   * Serves one kubectl connection carrying the inner TLS bytes (a relay stream, or in tests an
   * accepted TCP connection) as if the relay had named {@code sessionId}.
   */
  public void serve(Channel channel, String sessionId) {
    proxy.serve(channel, sessionId);
  }

  private void onEvent(GatewayEvent event) {
    String id = event.sessionId();
    String reason = event.reason() == null ? "no reason given" : event.reason();
    switch (String.valueOf(event.type())) {
      case "session.ended" ->
          endSession(id, "ended", "kpam session " + id + " has ended: " + reason);
      case "session.terminated" ->
          endSession(id, "terminated", "kpam session " + id + " was terminated: " + reason);
      case "session.expired" -> endSession(id, "expired", "kpam session " + id + " has expired");
      case "resource.changed", "account.changed" -> directory.invalidateAll();
      default -> log.debug("ignoring gateway event {}", event.type());
    }
  }

  /** {@code what} is the recorded {@code session} event's: terminated or expired. */
  private void endSession(String sessionId, String what, String message) {
    if (sessionId == null) {
      return;
    }
    directory.invalidate(sessionId);
    connections.end(sessionId, what, message);
  }

  /**
   * Asks again about every session with open connections once its cached lookup is older than the
   * refresh interval: if the push that ended a session was lost (the event stream was down), its
   * open watches, exec and port-forward streams still end within two refresh intervals.
   */
  private void recheckOpenSessions() {
    for (String sessionId : connections.sessionIds()) {
      directory
          .lookup(sessionId)
          .whenComplete(
              (lookup, error) -> {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                if (cause instanceof SessionDeniedException denied) {
                  endSession(sessionId, "terminated", denied.getMessage());
                }
              });
    }
  }

  /** A session found in the spool at start: once the server says it is over, it can go. */
  private void checkSpooledSession(String sessionId) {
    directory
        .lookup(sessionId)
        .whenComplete(
            (lookup, error) -> {
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              if (cause instanceof SessionDeniedException) {
                spool.sessionOver(sessionId);
              }
            });
  }

  private void heartbeat() {
    List<String> relays = connectedRelays().stream().sorted().toList();
    api.post(
            "/api/v1/gateway/heartbeat",
            new Heartbeat(config.version(), relays, connections.activeSessions()),
            HeartbeatAnswer.class)
        .whenComplete(
            (answer, error) -> {
              if (error != null) {
                log.warn("heartbeat failed: {}", error.getMessage());
              } else if (answer != null && answer.relays() != null && !answer.relays().isEmpty()) {
                useRelays(answer.relays());
              }
            });
  }

  /**
   * Keeps tunnels to exactly {@code relays} (the server's announcement), dialing new ones and
   * closing those no longer named, and remembers them for the next start.
   */
  private synchronized void useRelays(List<String> relays) {
    if (closed.get()) {
      return;
    }
    TunnelClient client = tunnels;
    if (client == null) {
      tunnels =
          TunnelClient.start(
              new TunnelClientConfig(
                  relays,
                  tunnelTls::get,
                  (stream, info) -> proxy.serve(stream, info.sessionId()),
                  new TunnelListener() {
                    @Override
                    public void relayDraining(String relayAddress, Channel tunnel) {
                      connections.drainTunnel(tunnel);
                    }
                  },
                  group));
    } else if (!client.relays().equals(Set.copyOf(relays))) {
      log.info("the server announces relays {}; the gateway had {}", relays, client.relays());
      client.update(relays);
    } else {
      return;
    }
    GatewayIdentity current = identity.get();
    if (!current.relayAddresses().equals(relays)) {
      GatewayIdentity updated = current.withRelayAddresses(relays);
      identity.set(updated);
      try {
        files.save(updated);
      } catch (RuntimeException e) {
        log.warn("cannot store the announced relays: {}", e.toString());
      }
    }
  }

  /** Until 2/3 of the certificate's lifetime, counted from when it arrived ({@code received}). */
  private Duration renewalDelay(GatewayIdentity current, Instant received) {
    return CertificateRenewal.delay(current.certificate(), received, config.clock().instant());
  }

  private void scheduleRenewal(Duration delay) {
    if (!closed.get()) {
      control.schedule(this::renew, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void renew() {
    Enrollment.renew(api, identity.get())
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
              useCertificate(renewed);
              log.info("renewed the gateway certificate; it expires at {}", certificateNotAfter());
              scheduleRenewal(renewalDelay(renewed, received));
            });
  }

  private void useCertificate(GatewayIdentity current) {
    List<X509Certificate> chain = List.of(current.certificate());
    innerTls.set(
        TlsContexts.server(current.key(), chain, current.caChain(), ClientAuth.REQUIRE, true));
    tunnelTls.set(TlsContexts.client(current.key(), chain, current.caChain(), false));
  }

  /**
   * The first half of a graceful stop (SIGTERM; {@link #close} is the second): readiness says the
   * gateway is stopping, the relays are told to open no new stream on its tunnels (an HTTP/2
   * GOAWAY: new connections go to the gateway's other instances), idle kubectl connections close
   * and busy ones close after the exchange under way ({@code Connection: close}). Once no kubectl
   * connection is left, or after {@code bound} (the rest, streams such as exec, watch and logs -f,
   * then end as at a stop), what was recorded is given {@link #UPLOAD_GRACE} to reach the server
   * rather than wait in the spool for the next start.
   */
  public void drain(Duration bound) {
    draining = true;
    TunnelClient client = tunnels;
    if (client != null) {
      client.drain();
    }
    connections.drain();
    if (!Drain.awaitUntil(() -> connections.count() == 0, bound)) {
      log.info(
          "drain timeout ({}): ending {} connection(s) still open", bound, connections.count());
      connections.terminateAll("the kpam gateway is shutting down");
    }
    Drain.awaitUntil(() -> spool.backlog() == 0, UPLOAD_GRACE);
  }

  /**
   * Stops in reverse order of starting, each part with a bounded wait: push stream, heartbeats and
   * renewal, tunnels, open connections, pools, event loops, event upload, spool. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    GatewayEventStream stream = events;
    if (stream != null) {
      stream.close();
    }
    control.shutdownNow();
    TunnelClient client = tunnels;
    if (client != null) {
      client.close();
    }
    connections.terminateAll("the kpam gateway is shutting down");
    pools.close();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    // Last: the closed connections' events are in the spool, for this start or the next.
    uploader.close();
    spool.close();
    metrics.close();
  }
}
