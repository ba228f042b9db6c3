package dev.kpam.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.kpam.crypto.passwords.PasswordHasher;
import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyStores;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.crypto.secrets.PrivateFiles;
import dev.kpam.crypto.secrets.RootKey;
import dev.kpam.crypto.secrets.SecretTokens;
import dev.kpam.protocol.GoDuration;
import dev.kpam.server.accounts.AccountRoutes;
import dev.kpam.server.accounts.Accounts;
import dev.kpam.server.approvals.AccessRequests;
import dev.kpam.server.approvals.RequestRoutes;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditRoutes;
import dev.kpam.server.auth.AuthRoutes;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.auth.throttle.LoginThrottle;
import dev.kpam.server.ca.InternalCa;
import dev.kpam.server.db.Database;
import dev.kpam.server.gateways.GatewayEvents;
import dev.kpam.server.gateways.GatewayRoutes;
import dev.kpam.server.gateways.Gateways;
import dev.kpam.server.http.ErrorMapping;
import dev.kpam.server.http.HttpGuards;
import dev.kpam.server.http.RequestLogContext;
import dev.kpam.server.http.Requests;
import dev.kpam.server.identity.OidcSettings;
import dev.kpam.server.identity.SingleSignOn;
import dev.kpam.server.identity.SsoRoutes;
import dev.kpam.server.metrics.ServerMetrics;
import dev.kpam.server.mfa.MfaRoutes;
import dev.kpam.server.mfa.SecondFactors;
import dev.kpam.server.mfa.StepUp;
import dev.kpam.server.notify.Notifications;
import dev.kpam.server.openapi.OpenApiRoutes;
import dev.kpam.server.policy.PolicyRoutes;
import dev.kpam.server.policy.WhatIf;
import dev.kpam.server.relays.RelayRoutes;
import dev.kpam.server.relays.Relays;
import dev.kpam.server.resources.ResourceRoutes;
import dev.kpam.server.resources.Resources;
import dev.kpam.server.revocation.Revocations;
import dev.kpam.server.revocation.SessionEnds;
import dev.kpam.server.secrets.SecretStore;
import dev.kpam.server.sessions.SessionHistory;
import dev.kpam.server.sessions.SessionRoutes;
import dev.kpam.server.sessions.Sessions;
import dev.kpam.server.siem.AuditStream;
import dev.kpam.server.ui.UiRoutes;
import dev.kpam.server.users.UserRoutes;
import dev.kpam.server.users.Users;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.javalin.router.ParsedEndpoint;
import io.javalin.util.JavalinException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kpam control plane: REST API, database, CA, session expiry, the gateway push channel and the
 * registry of standalone relays. {@link #start} builds the whole object graph; {@link #close} takes
 * it down in reverse order.
 *
 * <pre>{@code
 * try (KpamServer server = KpamServer.start(ServerConfig.builder().dataDir(dir).httpPort(0).build())) {
 *   System.out.println(server.url());
 * }
 * }</pre>
 */
public final class KpamServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KpamServer.class);

  private final ServerConfig config;
  private final Database db;
  private final GatewayEvents events;
  private final ScheduledExecutorService scheduler;
  private final Javalin app;
  private final URI url;
  private final String generatedPassword;
  private final CertificateAuthority ca;
  private final Sessions sessions;
  private final PublicAddress address;
  private final ServerMetrics metrics;
  private final AuditStream auditStream;
  private final AtomicBoolean closed = new AtomicBoolean();

  private KpamServer(
      ServerConfig config,
      Database db,
      GatewayEvents events,
      ScheduledExecutorService scheduler,
      Javalin app,
      URI url,
      String generatedPassword,
      CertificateAuthority ca,
      Sessions sessions,
      PublicAddress address,
      ServerMetrics metrics,
      AuditStream auditStream) {
    this.config = config;
    this.db = db;
    this.events = events;
    this.scheduler = scheduler;
    this.app = app;
    this.url = url;
    this.generatedPassword = generatedPassword;
    this.ca = ca;
    this.sessions = sessions;
    this.address = address;
    this.metrics = metrics;
    this.auditStream = auditStream;
  }

  /** The JSON mapping of the API: ISO-8601 instants, unknown fields refused. */
  public static ObjectMapper objectMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  public static KpamServer start(ServerConfig config) {
    createDataDir(config.dataDir());
    Database db = Database.open(config.effectiveDbUrl());
    GatewayEvents events = null;
    ScheduledExecutorService scheduler = null;
    AuditStream auditStream = null;
    try {
      ObjectMapper json = objectMapper();
      Ids ids = Ids.random();
      RootKey rootKey =
          config.rootKey() != null
              ? RootKey.fromBase64(config.rootKey())
              : RootKey.loadOrCreate(config.effectiveRootKeyFile());
      SecretStore secrets = new SecretStore(db, rootKey, config.clock(), ids);
      CertificateAuthority ca = InternalCa.loadOrCreate(db, secrets, config.clock());
      AuditLog audit = new AuditLog(db, config.clock());
      events = new GatewayEvents(db, config.clock(), json);
      Notifications notifications = new Notifications(db, config.webhook(), config.clock(), json);
      SessionEnds ends = new SessionEnds(events, audit, notifications, config.clock());
      Revocations revocations = new Revocations(ends);
      PasswordHasher hasher = PasswordHasher.defaults();
      Users users = new Users(db, hasher, config.clock(), ids, audit, revocations);
      String password =
          config.bootstrapPassword() != null
              ? config.bootstrapPassword()
              : SecretTokens.generate("kpam").substring(5, 29);
      boolean bootstrapped = users.bootstrapAdmin(password);
      OidcSettings oidc = config.oidc();
      LoginThrottle throttle = new LoginThrottle(db, config.clock());
      PublicAddress address = new PublicAddress(config);
      SecondFactors secondFactors =
          new SecondFactors(db, secrets, throttle, audit, config.clock(), ids, address::url);
      Authenticator auth =
          new Authenticator(
              db,
              users,
              hasher,
              config.clock(),
              ids,
              audit,
              throttle,
              oidc == null ? name -> true : oidc::allowsPassword,
              oidc == null ? null : "sign in with " + oidc.providerName());

      Gateways gateways =
          new Gateways(
              db,
              revocations,
              ca,
              config.clock(),
              ids,
              audit,
              address::url,
              address::relays,
              config.gatewayCertificateLifetime());
      Relays relays =
          new Relays(
              db, ca, config.clock(), ids, audit, address::url, config.relayCertificateLifetime());
      Resources resources =
          new Resources(db, gateways, events, revocations, config.clock(), ids, audit);
      Accounts accounts =
          new Accounts(
              db,
              resources,
              users,
              secrets,
              events,
              revocations,
              config.clock(),
              ids,
              audit,
              config.webhook().signs());
      AccessRequests accessRequests =
          new AccessRequests(db, accounts, revocations, notifications, audit, config.clock(), ids);
      Sessions sessions =
          new Sessions(
              db,
              resources,
              accounts,
              accessRequests,
              ca,
              ends,
              revocations,
              config.clock(),
              ids,
              audit,
              json,
              address::relays,
              secondFactors);
      Requests requests = new Requests(json);
      Optional<SingleSignOn> sso =
          SingleSignOn.of(
              oidc, db, secrets, auth, revocations, audit, config.clock(), ids, address::url);

      Javalin app =
          Javalin.create(
              javalin -> {
                javalin.showJavalinBanner = false;
                javalin.jsonMapper(new JavalinJackson(json, false));
                HttpGuards.install(javalin, json);
                // Graceful stop: Jetty's StatisticsHandler knows the requests under way, and
                // stop() waits for them up to the drain timeout (Javalin puts its handlers under
                // an existing handler wrapper).
                javalin.jetty.modifyServer(
                    server -> {
                      server.setHandler(new StatisticsHandler());
                      server.setStopTimeout(config.drainTimeout().toMillis());
                    });
                javalin.jetty.addConnector(
                    (server, httpConfig) ->
                        HttpGuards.guard(
                            config.tls()
                                ? tlsConnector(config, server, httpConfig)
                                : plainConnector(config, server, httpConfig),
                            config.headerTimeout()));
              });
      ErrorMapping.install(app);
      RequestLogContext.install(app);
      ServerMetrics metrics = new ServerMetrics(db);
      metrics.install(app);
      app.get(
          "/healthz",
          ctx -> {
            db.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
            ctx.json(Map.of("status", "ok"));
          });
      OpenApiRoutes.register(app);
      AuthRoutes.register(app, auth, users, requests);
      SsoRoutes.register(app, sso, requests);
      MfaRoutes.register(app, auth, secondFactors, requests);
      UserRoutes.register(app, auth, users, requests);
      GatewayRoutes.register(app, auth, gateways, events, requests);
      ResourceRoutes.register(app, auth, resources, requests);
      AccountRoutes.register(app, auth, accounts, requests);
      WhatIf whatIf = new WhatIf(db, accounts, config.clock());
      PolicyRoutes.register(app, auth, whatIf, requests);
      RequestRoutes.register(app, auth, accessRequests, requests);
      SessionHistory history = new SessionHistory(db, sessions, json);
      SessionRoutes.register(app, auth, gateways, sessions, history, requests);
      RelayRoutes.register(app, auth, relays, sessions, requests);
      AuditRoutes.register(app, auth, audit);
      UiRoutes.register(
          app,
          new UiRoutes.Services(
              auth,
              users,
              gateways,
              relays,
              resources,
              accounts,
              whatIf,
              sessions,
              history,
              accessRequests,
              audit,
              config.clock(),
              address::url,
              sso,
              secondFactors,
              new StepUp(db, secondFactors, audit, config.clock(), config.adminStepUp())));
      app.start();
      address.bound(app.port());

      // Two threads: a slow webhook receiver never delays session expiry.
      scheduler =
          Executors.newScheduledThreadPool(
              2,
              r -> {
                Thread thread = new Thread(r, "kpam-server-scheduler");
                thread.setDaemon(true);
                return thread;
              });
      long every = config.expiryInterval().toMillis();
      scheduler.scheduleWithFixedDelay(
          () -> expire(sessions, accessRequests), every, every, TimeUnit.MILLISECONDS);
      GatewayEvents pushed = events;
      scheduler.scheduleWithFixedDelay(() -> prune(pushed), 1, 60, TimeUnit.MINUTES);
      notifications.start(scheduler);
      auditStream = AuditStream.of(config.auditStream(), db, config.clock(), ids.next());
      if (auditStream != null) {
        auditStream.start(scheduler);
      }
      if (sso.isPresent()) {
        SingleSignOn signOn = sso.get();
        scheduler.scheduleWithFixedDelay(
            () -> refreshGroups(signOn), every, every, TimeUnit.MILLISECONDS);
      }
      return new KpamServer(
          config,
          db,
          events,
          scheduler,
          app,
          URI.create(address.url()),
          bootstrapped && config.bootstrapPassword() == null ? password : null,
          ca,
          sessions,
          address,
          metrics,
          auditStream);
    } catch (RuntimeException e) {
      if (auditStream != null) auditStream.close();
      if (scheduler != null) scheduler.shutdownNow();
      if (events != null) events.close();
      db.close();
      throw e;
    }
  }

  private static void expire(Sessions sessions, AccessRequests accessRequests) {
    try {
      int expired = sessions.expireDue();
      if (expired > 0) {
        log.info("{} session(s) expired", expired);
      }
      int requests = accessRequests.expireDue();
      if (requests > 0) {
        log.info("{} access request(s) expired", requests);
      }
    } catch (RuntimeException e) {
      log.warn("expiry failed, will retry: {}", e.toString());
    }
  }

  private static void prune(GatewayEvents events) {
    try {
      int pruned = events.prune();
      if (pruned > 0) {
        log.debug("{} gateway event(s) older than {} deleted", pruned, GatewayEvents.KEPT);
      }
    } catch (RuntimeException e) {
      log.warn("pruning gateway events failed, will retry: {}", e.toString());
    }
  }

  private static void refreshGroups(SingleSignOn sso) {
    try {
      sso.refreshGroups();
    } catch (RuntimeException e) {
      log.warn("refreshing groups at the identity provider failed, will retry: {}", e.toString());
    }
  }

  private static ServerConnector plainConnector(
      ServerConfig config,
      org.eclipse.jetty.server.Server server,
      org.eclipse.jetty.server.HttpConfiguration httpConfig) {
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
    connector.setHost(config.bindHost());
    connector.setPort(config.httpPort());
    return connector;
  }

  private static ServerConnector tlsConnector(
      ServerConfig config,
      org.eclipse.jetty.server.Server server,
      org.eclipse.jetty.server.HttpConfiguration httpConfig) {
    try {
      List<X509Certificate> chain = Pem.parseCertificates(Files.readString(config.tlsCert()));
      PrivateKey key = Pem.parsePrivateKey(Files.readString(config.tlsKey()));
      char[] password = "kpam".toCharArray();
      KeyStore keyStore = KeyStores.of(key, chain, password);
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStore(keyStore);
      ssl.setKeyStorePassword(new String(password));
      ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      httpConfig.setSecureScheme("https");
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      // Servers are often reached by IP or a name not in the certificate; that is the
      // client's check to make, not ours.
      secure.setSniHostCheck(false);
      httpConfig.addCustomizer(secure);
      ServerConnector connector =
          new ServerConnector(
              server,
              new SslConnectionFactory(ssl, "http/1.1"),
              new HttpConnectionFactory(httpConfig));
      connector.setHost(config.bindHost());
      connector.setPort(config.httpPort());
      return connector;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read --tls-cert/--tls-key: " + e.getMessage(), e);
    }
  }

  /** The data dir holds the database and the root key: only the server's user may enter it. */
  private static void createDataDir(Path dir) {
    try {
      PrivateFiles.directory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data dir " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Where people and gateways reach this server (known once the port is bound). */
  private static final class PublicAddress {
    private final ServerConfig config;
    private volatile String url;
    private volatile int relayPort;

    PublicAddress(ServerConfig config) {
      this.config = config;
      this.url = config.publicUrl();
      this.relayPort = config.relayPort();
    }

    void bound(int port) {
      if (url == null) {
        url = (config.tls() ? "https" : "http") + "://localhost:" + port;
      }
      if (url.endsWith("/")) {
        url = url.substring(0, url.length() - 1);
      }
    }

    String url() {
      return url;
    }

    /** The configured relay addresses, else the embedded relay's. */
    List<String> relays() {
      if (!config.relayAddresses().isEmpty()) {
        return config.relayAddresses();
      }
      return List.of(URI.create(url).getHost() + ":" + relayPort);
    }
  }

  public URI url() {
    return url;
  }

  public int httpPort() {
    return app.port();
  }

  public ServerConfig config() {
    return config;
  }

  /** The server's metrics, for {@code /metrics} (kpam server --metrics-address). */
  public ServerMetrics metrics() {
    return metrics;
  }

  public CertificateAuthority certificateAuthority() {
    return ca;
  }

  /**
   * Why the relay must refuse a client connection for this session, or empty when it may pass
   * (ACTIVE, unexpired, served by {@code gatewayId}). Blocks on the database: call it off any event
   * loop.
   */
  public Optional<String> sessionRefusal(String sessionId, String gatewayId) {
    return sessions.refusal(sessionId, gatewayId);
  }

  /**
   * Announces the port the embedded relay actually listens on (it may have been 0 in the
   * configuration) to gateways and clients from now on, unless relay addresses were configured.
   */
  public void relayListening(int port) {
    address.relayPort = port;
  }

  /**
   * The host:port of every relay announced to gateways and clients (clients try the first first).
   */
  public List<String> relayAddresses() {
    return address.relays();
  }

  /**
   * Every route the REST API serves, as "METHOD /path" (for the OpenAPI check and docs); the web
   * UI's HTML pages are not part of it.
   */
  public List<String> routes() {
    return app.unsafeConfig().pvt.internalRouter.allHttpHandlers().stream()
        .map(ParsedEndpoint::getEndpoint)
        .filter(endpoint -> endpoint.getMethod().isHttpMethod())
        .filter(endpoint -> !UiRoutes.isUiPath(endpoint.getPath()))
        .map(endpoint -> endpoint.getMethod().name() + " " + endpoint.getPath())
        .sorted()
        .toList();
  }

  /** The first admin's password when this start generated it (show it once), else empty. */
  public Optional<String> generatedAdminPassword() {
    return Optional.ofNullable(generatedPassword);
  }

  /** Whether {@link #close} has begun: the server finishes what it is doing and takes no more. */
  public boolean draining() {
    return closed.get();
  }

  /**
   * Stops gracefully: the gateways' event streams end first (they reconnect, to another replica
   * behind the load balancer), then Jetty stops taking connections and lets the requests under way
   * finish for at most the drain timeout; then the schedules, the streams and the database stop.
   * Meanwhile {@link #draining} is true, for the readiness probe.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    events.close();
    try {
      app.stop();
    } catch (JavalinException e) {
      // Jetty stopped all the same; the requests still under way were cut.
      log.warn(
          "stopped after the drain timeout ({}) with requests still under way",
          GoDuration.format(config.drainTimeout()));
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (auditStream != null) {
      auditStream.close();
    }
    metrics.close();
    db.close();
  }
}
