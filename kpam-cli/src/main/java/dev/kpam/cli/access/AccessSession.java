package dev.kpam.cli.access;

import dev.kpam.cli.CliException;
import dev.kpam.cli.api.ApiException;
import dev.kpam.cli.api.Query;
import dev.kpam.cli.kubeconfig.KubeconfigChange;
import dev.kpam.cli.kubeconfig.KubeconfigEntry;
import dev.kpam.cli.kubeconfig.Kubeconfigs;
import dev.kpam.crypto.pki.Csrs;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.protocol.GoDuration;
import dev.kpam.protocol.sessions.CreateSessionRequest;
import dev.kpam.protocol.sessions.CreatedSession;
import dev.kpam.protocol.sessions.EndSessionRequest;
import dev.kpam.protocol.sessions.SessionView;
import dev.kpam.transport.tls.TlsContexts;
import dev.kpam.transport.tunnel.RelayDialer;
import dev.kpam.transport.tunnel.RelayRefusedException;
import dev.kpam.transport.tunnel.RelayWire;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running {@code kpam k8s access}: the session at the server, the local proxy kubectl talks to,
 * and the kubeconfig context pointing at it. {@link #start} does everything up to "Press Ctrl-C"; a
 * scheduler thread then watches expiry and the server's view of the session. {@link #outcome()}
 * completes, after cleanup (proxy closed, kubeconfig restored, state file deleted), when the
 * session expired, was terminated, or {@link #close()} ended it.
 *
 * <pre>{@code
 * try (AccessSession session = AccessSession.start(settings)) {
 *   Outcome outcome = session.outcome().toCompletableFuture().join();
 * }
 * }</pre>
 */
public final class AccessSession implements AutoCloseable {
  private static final List<Integer> NOTICE_MINUTES = List.of(10, 5, 1);
  private static final AtomicBoolean WARMING_UP = new AtomicBoolean();

  /** The session's key and CSR, made by {@link #warmUp} while the command does other things. */
  private static final AtomicReference<CompletableFuture<SessionKey>> PREPARED_KEY =
      new AtomicReference<>();

  private final AccessSettings settings;
  private final SessionView session;
  private final LocalProxy proxy;
  private final String contextName;
  private final KubeconfigChange change;
  private final AccessStates states;
  private final ScheduledExecutorService watcher;
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
  private final AtomicBoolean finishing = new AtomicBoolean();
  private int nextNotice;
  private boolean warnedUnreachable;

  private AccessSession(
      AccessSettings settings,
      SessionView session,
      LocalProxy proxy,
      String contextName,
      KubeconfigChange change,
      AccessStates states) {
    this.settings = settings;
    this.session = session;
    this.proxy = proxy;
    this.contextName = contextName;
    this.change = change;
    this.states = states;
    Duration left = Duration.between(settings.clock().instant(), session.expiresAt());
    while (nextNotice < NOTICE_MINUTES.size()
        && left.compareTo(Duration.ofMinutes(NOTICE_MINUTES.get(nextNotice))) <= 0) {
      nextNotice++;
    }
    this.watcher =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "kpam-access-watch");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Creates the session at the server and sets up proxy, state file and kubeconfig; prints what it
   * did.
   *
   * @throws CliException with the server's message when it refuses (e.g. an unknown account)
   */
  public static AccessSession start(AccessSettings settings) {
    warmUp();
    RelayDialer dialer = new RelayDialer();
    return start(settings, (tls, relays) -> new RelayUpstream(dialer, relays, tls));
  }

  /**
   * Loads, on a background thread, what the local proxy needs whatever the server answers, while
   * the command reads its login and creates the session: the OpenSSL provider (a native library
   * unpacked from the jar, a few hundred ms in a fresh JVM) and Netty's TLS classes. Idempotent.
   */
  public static void warmUp() {
    if (!WARMING_UP.compareAndSet(false, true)) {
      return;
    }
    // The key and CSR (~0.2 s in a fresh JVM, mostly BouncyCastle's first use) on a thread of
    // their own: they are needed as soon as the API client is made (~0.3 s), on the main thread.
    CompletableFuture<SessionKey> key = new CompletableFuture<>();
    PREPARED_KEY.set(key);
    Thread keys =
        new Thread(
            () -> {
              try {
                key.complete(SessionKey.generate());
              } catch (RuntimeException | Error e) {
                key.completeExceptionally(e);
              }
            },
            "kpam-access-session-key");
    keys.setDaemon(true);
    keys.start();
    Thread thread =
        new Thread(
            () -> {
              TlsContexts.provider();
              LocalCertificate.create(Duration.ofMinutes(1), Clock.systemUTC()).serverContext();
              Kubeconfigs.warmUp();
            },
            "kpam-access-warm-up");
    thread.setDaemon(true);
    thread.start();
  }

  private static CreatedSession create(
      AccessSettings settings, String csr, SecondFactorPrompt.Answer mfa) {
    return settings
        .api()
        .post(
            "/api/v1/sessions",
            new CreateSessionRequest(
                settings.resource(),
                settings.account(),
                settings.duration(),
                settings.reason(),
                csr,
                settings.request(),
                settings.breakGlass() ? Boolean.TRUE : null,
                mfa == null ? null : mfa.code(),
                mfa == null ? null : mfa.challenge()),
            CreatedSession.class);
  }

  /** Where {@link #start} gets the upstream of the local proxy; tests bypass the relay. */
  interface Upstreams {
    /** The upstream through {@code relays} (the first tried first). */
    Upstream create(SessionTls tls, List<InetSocketAddress> relays);
  }

  /** The key {@link #warmUp} prepared, once; else a new one. */
  private static SessionKey sessionKey() {
    CompletableFuture<SessionKey> prepared = PREPARED_KEY.getAndSet(null);
    return prepared == null ? SessionKey.generate() : prepared.join();
  }

  /** The session's key pair and the CSR for its certificate. */
  private record SessionKey(KeyPair key, String csr) {
    static SessionKey generate() {
      KeyPair key = KeyPairs.generateEcP256();
      return new SessionKey(key, Csrs.create(key, "kpam-cli"));
    }
  }

  static AccessSession start(AccessSettings settings, Upstreams upstreams) {
    SessionKey sessionKey = sessionKey();
    KeyPair key = sessionKey.key();
    String csr = sessionKey.csr();
    CreatedSession created;
    try {
      created = create(settings, csr, null);
    } catch (ApiException e) {
      SecondFactorPrompt.Answer mfa =
          "mfa_required".equals(e.code()) ? settings.secondFactor().answer(e.getMessage()) : null;
      if (mfa == null) {
        throw e;
      }
      created = create(settings, csr, mfa);
    }
    SessionView session = created.session();
    LocalProxy proxy = null;
    AccessStates states = new AccessStates(settings.configDir());
    try {
      List<X509Certificate> cas =
          created.caChain().stream().flatMap(pem -> Pem.parseCertificates(pem).stream()).toList();
      SessionTls tls =
          SessionTls.of(
              key.getPrivate(),
              Pem.parseCertificate(created.certificate()),
              cas,
              created.gatewayId());
      Instant now = settings.clock().instant();
      LocalCertificate local =
          LocalCertificate.create(
              Duration.between(now, session.expiresAt()).plusHours(1), settings.clock());
      String token = randomToken();
      proxy =
          LocalProxy.start(
              settings.port(),
              local.serverContext(),
              token,
              upstreams.create(
                  tls, created.relays().stream().map(AccessSession::relayAddress).toList()));
      String name = "kpam/" + settings.resource() + "/" + settings.account();
      KubeconfigEntry entry =
          new KubeconfigEntry(name, "https://127.0.0.1:" + proxy.port(), local.pem(), token);
      Path file = settings.kubeconfig();
      KubeconfigChange change = null;
      if (settings.standalone()) {
        states.write(state(session.id(), null, name, null, false));
        Kubeconfigs.writeStandalone(file, entry);
      } else {
        states.write(
            state(session.id(), file, name, Kubeconfigs.currentContext(file), !Files.exists(file)));
        change = Kubeconfigs.install(file, entry);
      }
      AccessSession access = new AccessSession(settings, session, proxy, name, change, states);
      access.announce();
      access.watch();
      return access;
    } catch (RuntimeException e) {
      if (proxy != null) {
        proxy.close();
      }
      states.delete(session.id());
      endQuietly(settings, session.id(), "the kpam CLI could not set up access");
      throw e;
    }
  }

  public String sessionId() {
    return session.id();
  }

  public String contextName() {
    return contextName;
  }

  public Instant expiresAt() {
    return session.expiresAt();
  }

  /** The local proxy's port on 127.0.0.1. */
  public int port() {
    return proxy.port();
  }

  /** Completes, after cleanup, with how the session ended. */
  public CompletionStage<Outcome> outcome() {
    return outcome.copy();
  }

  /**
   * Ends the session at the server (ignoring failures), cleans up and waits for that; idempotent.
   */
  @Override
  public void close() {
    finish(Outcome.ended("session " + session.id() + " ended"), true);
    outcome.join();
  }

  private void announce() {
    var out = settings.out();
    out.println("Session " + session.id() + " is active until " + session.expiresAt() + ".");
    Duration length = Duration.between(session.createdAt(), session.expiresAt());
    if (settings.duration() == null && length.compareTo(DEFAULT_DURATION) < 0) {
      out.println(
          "No --duration given: the session lasts "
              + GoDuration.format(length)
              + ", the longest this account allows.");
    }
    out.println(
        "kubectl context: "
            + contextName
            + (settings.standalone() ? " (in " : " (current context of ")
            + settings.kubeconfig()
            + ")");
    out.println("Local proxy: https://127.0.0.1:" + proxy.port());
    out.println("Press Ctrl-C to end the session.");
    out.flush();
  }

  private void watch() {
    long millis = settings.pollInterval().toMillis();
    watcher.scheduleWithFixedDelay(this::check, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void check() {
    try {
      Duration left = Duration.between(settings.clock().instant(), session.expiresAt());
      if (left.isNegative() || left.isZero()) {
        finish(Outcome.expired(), false);
        return;
      }
      noticeMinutesLeft(left);
      SessionView now;
      try {
        now = settings.api().get(path(session.id()), SessionView.class);
      } catch (ApiException e) {
        if (e.status() == 401) {
          askTheRelay(e);
          return;
        }
        throw e;
      } catch (CliException e) {
        if (!warnedUnreachable) {
          warnedUnreachable = true;
          settings.out().println("warning: cannot check the session: " + e.getMessage());
          settings.out().flush();
        }
        return;
      }
      switch (String.valueOf(now.status())) {
        case "EXPIRED" -> finish(Outcome.expired(), false);
        case "TERMINATED" -> finish(Outcome.terminated(now.endedBy(), now.endReason()), false);
        case "ENDED" ->
            finish(
                Outcome.ended(
                    "session "
                        + session.id()
                        + " was ended"
                        + (now.endedBy() == null ? "" : " by " + now.endedBy())),
                false);
        default -> {}
      }
    } catch (RuntimeException e) {
      settings.out().println("warning: " + e.getMessage());
      settings.out().flush();
    }
  }

  /**
   * The server no longer accepts this user's login (expired, or the user was disabled or deleted),
   * so it cannot say how the session stands; the relay can: it refuses a connection of a session
   * that is over, with the reason ("access revoked: user alice disabled by admin").
   */
  private void askTheRelay(ApiException loginRefused) {
    try {
      proxy.probe().toCompletableFuture().get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RelayRefusedException refused
          && RelayWire.SESSION_REFUSED.equals(refused.code())) {
        finish(Outcome.terminated(null, afterStatus(refused.reason())), false);
        return;
      }
    } catch (TimeoutException e) {
      // As when the server is unreachable: the next check asks again.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!warnedUnreachable) {
      warnedUnreachable = true;
      settings.out().println("warning: cannot check the session: " + loginRefused.getMessage());
      settings.out().flush();
    }
  }

  /** "session S is terminated: REASON" → REASON. */
  private static String afterStatus(String relayReason) {
    int colon = relayReason.indexOf(": ");
    return colon < 0 ? relayReason : relayReason.substring(colon + 2);
  }

  private void noticeMinutesLeft(Duration left) {
    Integer crossed = null;
    while (nextNotice < NOTICE_MINUTES.size()
        && left.compareTo(Duration.ofMinutes(NOTICE_MINUTES.get(nextNotice))) <= 0) {
      crossed = NOTICE_MINUTES.get(nextNotice++);
    }
    if (crossed != null) {
      settings
          .out()
          .println(
              crossed
                  + (crossed == 1 ? " minute" : " minutes")
                  + " left (session expires at "
                  + session.expiresAt()
                  + ")");
      settings.out().flush();
    }
  }

  /**
   * What the server gives a session asked for without a duration, unless the account allows less.
   */
  private static final Duration DEFAULT_DURATION = Duration.ofHours(1);

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  /** How long streams may take to receive the gateway's own closing Status after expiry. */
  private static final Duration GATEWAY_GRACE = Duration.ofSeconds(3);

  private void finish(Outcome result, boolean endAtServer) {
    if (!finishing.compareAndSet(false, true)) {
      return;
    }
    try {
      watcher.shutdown();
      if (endAtServer) {
        endQuietly(settings, session.id(), null);
        proxy.close();
      } else {
        proxy.closeAfter(GATEWAY_GRACE);
      }
      try {
        if (change != null) {
          Kubeconfigs.restore(change);
        }
        states.delete(session.id());
      } catch (RuntimeException e) {
        settings.out().println("warning: " + e.getMessage());
      }
    } finally {
      settings.out().flush();
      outcome.complete(result);
    }
  }

  private static void endQuietly(AccessSettings settings, String sessionId, String reason) {
    try {
      settings
          .api()
          .post(path(sessionId) + "/end", new EndSessionRequest(reason), SessionView.class);
    } catch (CliException e) {
      settings
          .out()
          .println(
              "warning: could not end session " + sessionId + " at the server: " + e.getMessage());
    }
  }

  private static String path(String sessionId) {
    return "/api/v1/sessions/" + Query.encode(sessionId);
  }

  private static AccessState state(
      String sessionId, Path kubeconfig, String name, String previous, boolean created) {
    ProcessHandle self = ProcessHandle.current();
    return new AccessState(
        sessionId,
        kubeconfig == null ? null : kubeconfig.toAbsolutePath().toString(),
        name,
        previous,
        created,
        self.pid(),
        self.info().startInstant().orElse(null));
  }

  /** {@code host:port}, {@code [v6]:port}. */
  static InetSocketAddress relayAddress(String address) {
    try {
      URI uri = new URI("tcp://" + address);
      if (uri.getHost() == null || uri.getPort() < 0) {
        throw new IllegalArgumentException();
      }
      return new InetSocketAddress(
          uri.getHost(), uri.getPort()); // resolved here, not on an event loop
    } catch (Exception e) {
      throw new CliException(
          "the kpam server gave an invalid relay address: " + address + " (expected: host:port)");
    }
  }

  private static String randomToken() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }
}
