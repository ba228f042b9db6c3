package dev.kpam.server.identity;

import dev.kpam.crypto.secrets.SecretTokens;
import dev.kpam.protocol.auth.LoginResponse;
import dev.kpam.protocol.auth.SsoDeviceStart;
import dev.kpam.server.Ids;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.db.Database;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.revocation.Revocations;
import dev.kpam.server.secrets.SecretStore;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Sign-in through the OpenID Connect provider, for the web UI and for {@code kpam login --sso}
 * (docs/IDENTITY.md). kpam is the provider's confidential client with one redirect URI, {@code
 * <public URL>/ui/sso/callback}; a sign-in under way is a row of {@code sso_logins} found by the
 * hash of its {@code state}, used once and gone after 10 minutes.
 *
 * <ul>
 *   <li>Web UI: the browser that started the sign-in holds a cookie whose hash the row keeps (login
 *       CSRF); the callback issues a UI session.
 *   <li>CLI: the CLI listens on a loopback port and sends that redirect and a PKCE challenge; the
 *       callback sends the browser to the loopback with a one-time hand-off code, which only the
 *       holder of the challenge's verifier can redeem for a kpam token ({@link #redeem}). The CLI
 *       never sees the provider's tokens, and a code read off the loopback is worth nothing alone.
 * </ul>
 *
 * Every outcome is an audit event ({@code auth.sso.login}, {@code auth.sso.failed} with why).
 */
public final class SingleSignOn {
  static final Duration PENDING = Duration.ofMinutes(10);
  static final Duration HANDOFF = Duration.ofMinutes(2);
  public static final String CALLBACK_PATH = "/ui/sso/callback";
  private static final int MAX_PENDING = 10_000;
  private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43,128}");
  private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

  private final OidcProvider provider;
  private final Identities identities;
  private final GroupRefresh groupRefresh;
  private final Database db;
  private final Authenticator auth;
  private final AuditLog audit;
  private final Clock clock;
  private final Supplier<String> publicUrl;

  private SingleSignOn(
      OidcProvider provider,
      Identities identities,
      GroupRefresh groupRefresh,
      Database db,
      Authenticator auth,
      AuditLog audit,
      Clock clock,
      Supplier<String> publicUrl) {
    this.provider = provider;
    this.identities = identities;
    this.groupRefresh = groupRefresh;
    this.db = db;
    this.auth = auth;
    this.audit = audit;
    this.clock = clock;
    this.publicUrl = publicUrl;
  }

  /** SSO with {@code settings}, or empty when none are configured. */
  public static Optional<SingleSignOn> of(
      OidcSettings settings,
      Database db,
      SecretStore secrets,
      Authenticator auth,
      Revocations revocations,
      AuditLog audit,
      Clock clock,
      Ids ids,
      Supplier<String> publicUrl) {
    if (settings == null) {
      return Optional.empty();
    }
    OidcProvider provider = new OidcProvider(settings);
    Identities identities = new Identities(db, clock, ids, audit, revocations);
    return Optional.of(
        new SingleSignOn(
            provider,
            identities,
            new GroupRefresh(provider, identities, db, secrets, revocations, audit, clock),
            db,
            auth,
            audit,
            clock,
            publicUrl));
  }

  /**
   * Reads the groups of the users who are due again from the provider (the server's scheduler calls
   * this); answers how many were asked.
   */
  public int refreshGroups() {
    return groupRefresh.runOnce();
  }

  public String providerName() {
    return provider.settings().providerName();
  }

  /** Whether {@code user} may still sign in with a password. */
  public boolean allowsPassword(String user) {
    return provider.settings().allowsPassword(user);
  }

  /** Whether password sign-in is off for everyone but the break-glass user. */
  public boolean passwordsOff() {
    return provider.settings().breakGlassUser() != null;
  }

  /**
   * Starts a web UI sign-in; {@code browserBinding} is the random value the UI put in the browser's
   * cookie. Returns where to send the browser.
   */
  public URI startUi(String browserBinding, String sourceAddress) {
    return start("ui", SecretTokens.sha256Hex(browserBinding), null, null, sourceAddress);
  }

  /**
   * Starts a CLI sign-in that ends at {@code loopback} ({@code http://127.0.0.1:PORT/...}); {@code
   * codeChallenge} is the S256 challenge of a verifier that only the CLI holds.
   */
  public URI startCli(String loopback, String codeChallenge, String sourceAddress) {
    URI redirect = loopbackRedirect(loopback);
    if (codeChallenge == null || !CHALLENGE.matcher(codeChallenge).matches()) {
      throw ApiException.invalid(
          "codeChallenge",
          codeChallenge == null ? "missing" : "malformed",
          "an S256 PKCE challenge");
    }
    return start("cli", null, redirect.toString(), codeChallenge, sourceAddress);
  }

  private URI start(
      String kind, String browserHash, String clientRedirect, String challenge, String source) {
    OidcProvider.Started started;
    try {
      started = provider.start(callbackUri());
    } catch (SsoException e) {
      audit.record(Actor.of("-", source), "auth.sso.failed", "sso", e.reason());
      throw e.toApi();
    }
    long now = clock.millis();
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate("DELETE FROM sso_logins WHERE expires_at <= :t")
                  .bind("t", now)
                  .execute();
              h.createUpdate("DELETE FROM sso_handoffs WHERE expires_at <= :t")
                  .bind("t", now)
                  .execute();
              long pending =
                  h.createQuery("SELECT COUNT(*) FROM sso_logins").mapTo(Long.class).one();
              if (pending >= MAX_PENDING) {
                throw ApiException.tooManyAttempts(
                    "too many sign-ins are under way; try again in a minute",
                    Duration.ofMinutes(1));
              }
              h.createUpdate(
                      "INSERT INTO sso_logins (state_hash, kind, nonce, code_verifier, browser_hash,"
                          + " client_redirect, client_challenge, created_at, expires_at)"
                          + " VALUES (:s, :kind, :nonce, :verifier, :browser, :redirect,"
                          + " :challenge, :t, :exp)")
                  .bind("s", SecretTokens.sha256Hex(started.state()))
                  .bind("kind", kind)
                  .bind("nonce", started.nonce())
                  .bind("verifier", started.codeVerifier())
                  .bind("browser", browserHash)
                  .bind("redirect", clientRedirect)
                  .bind("challenge", challenge)
                  .bind("t", now)
                  .bind("exp", now + PENDING.toMillis())
                  .execute();
            });
    return started.authorizationUrl();
  }

  /** How a callback ended: a UI session, or the CLI's loopback to send the browser to. */
  public sealed interface Finished {
    /** A signed-in web UI session (its token goes in the UI's cookie). */
    record Ui(LoginResponse login) implements Finished {}

    /** Where the browser goes next: the CLI's loopback, with a hand-off code or the error. */
    record Cli(URI redirect, boolean signedIn) implements Finished {}
  }

  /**
   * The provider's redirect back: {@code state} and {@code code}, or {@code error}. {@code
   * browserBinding} is the UI's cookie (null when absent). A UI sign-in that fails throws an {@link
   * ApiException} with the message for the person; a CLI sign-in that fails goes to the loopback
   * with {@code error} so that the CLI can say it too.
   */
  public Finished callback(
      String state,
      String code,
      String error,
      String errorDescription,
      String browserBinding,
      String sourceAddress) {
    Actor unknown = Actor.of("-", sourceAddress);
    Pending pending = state == null || state.isBlank() ? null : take(state);
    if (pending == null) {
      audit.record(unknown, "auth.sso.failed", "sso", "unknown, expired or reused state");
      throw new ApiException(
          400,
          "sso_state",
          "this sign-in link is unknown, expired or was already used (state); start the sign-in"
              + " again");
    }
    try {
      if (pending.kind().equals("ui")
          && (browserBinding == null
              || !SecretTokens.constantTimeEquals(
                  pending.browserHash(), SecretTokens.sha256Hex(browserBinding)))) {
        throw new SsoException(
            "browser",
            "this sign-in was started in another browser, or its cookie expired; start the"
                + " sign-in again");
      }
      if (error != null) {
        throw new SsoException(
            "idp_error",
            "the identity provider did not sign you in: "
                + error
                + (errorDescription == null ? "" : " (" + errorDescription + ")"));
      }
      if (code == null || code.isBlank()) {
        throw new SsoException("code", "the identity provider sent no code; start again");
      }
      OidcProvider.Identity identity =
          provider.redeem(code, callbackUri(), pending.codeVerifier(), pending.nonce());
      Identities.Linked user = signIn(identity, sourceAddress);
      Actor actor = Actor.of(user.name(), sourceAddress);
      if (pending.kind().equals("ui")) {
        LoginResponse login = auth.issueSignedIn(user.name(), true);
        audit.record(actor, "auth.sso.login", "user:" + user.name(), "web UI");
        return new Finished.Ui(login);
      }
      String handoff = SecretTokens.generate("kpamsso");
      db.jdbi()
          .useHandle(
              h ->
                  h.createUpdate(
                          "INSERT INTO sso_handoffs (code_hash, user_id, client_challenge,"
                              + " expires_at) VALUES (:c, :u, :challenge, :exp)")
                      .bind("c", SecretTokens.sha256Hex(handoff))
                      .bind("u", user.userId())
                      .bind("challenge", pending.clientChallenge())
                      .bind("exp", clock.millis() + HANDOFF.toMillis())
                      .execute());
      return new Finished.Cli(withQuery(pending.clientRedirect(), "code", handoff), true);
    } catch (SsoException e) {
      audit.record(unknown, "auth.sso.failed", "sso", e.reason() + ": " + e.getMessage());
      if (pending.kind().equals("cli")) {
        return new Finished.Cli(
            withError(pending.clientRedirect(), e.reason(), e.getMessage()), false);
      }
      throw e.toApi();
    }
  }

  /** Starts a sign-in on another device for a CLI without a browser (RFC 8628). */
  public SsoDeviceStart startDevice(String sourceAddress) {
    try {
      OidcProvider.DeviceStarted started = provider.startDevice();
      return new SsoDeviceStart(
          started.deviceCode(),
          started.userCode(),
          started.verificationUri().toString(),
          started.verificationUriComplete() == null
              ? null
              : started.verificationUriComplete().toString(),
          started.expiresIn(),
          started.interval(),
          providerName());
    } catch (SsoException e) {
      audit.record(Actor.of("-", sourceAddress), "auth.sso.failed", "sso", e.reason());
      if (e.reason().equals("device_unsupported")) {
        throw new ApiException(409, "sso_device_unsupported", e.getMessage());
      }
      throw e.toApi();
    }
  }

  /**
   * The CLI's question while the person signs in on another device: a login once they did, a 400
   * while they have not yet (pending, or asked too often), a 401 when they never will.
   */
  public LoginResponse pollDevice(String deviceCode, String sourceAddress) {
    if (deviceCode == null || deviceCode.isBlank()) {
      throw ApiException.invalid("deviceCode", "missing", "the device code the sign-in started");
    }
    Actor unknown = Actor.of("-", sourceAddress);
    try {
      OidcProvider.Identity identity = provider.pollDevice(deviceCode);
      Identities.Linked user = signIn(identity, sourceAddress);
      LoginResponse login = auth.issueSignedIn(user.name(), false);
      audit.record(
          Actor.of(user.name(), sourceAddress),
          "auth.sso.login",
          "user:" + user.name(),
          "CLI on another device");
      return login;
    } catch (SsoException e) {
      if (e.reason().equals("authorization_pending") || e.reason().equals("slow_down")) {
        throw new ApiException(400, "sso_" + e.reason(), e.getMessage());
      }
      audit.record(unknown, "auth.sso.failed", "sso", e.reason() + ": " + e.getMessage());
      throw e.toApi();
    }
  }

  /** The kpam user of a validated identity, taken in; the refresh token kept for the groups. */
  private Identities.Linked signIn(OidcProvider.Identity identity, String sourceAddress) {
    Identities.Linked user =
        identities.signIn(
            provider.settings(),
            Identities.Claims.of(provider.settings(), identity),
            sourceAddress);
    groupRefresh.keep(user.userId(), identity.refreshToken());
    return user;
  }

  /** The CLI's last step: the hand-off code from its loopback and its PKCE verifier. */
  public LoginResponse redeem(String code, String codeVerifier, String sourceAddress) {
    Actor unknown = Actor.of("-", sourceAddress);
    if (code == null || code.isBlank() || codeVerifier == null) {
      throw ApiException.invalid("code", "missing", "the code the sign-in gave the CLI");
    }
    record Handoff(String userId, String challenge, long expiresAt, String name) {}
    String hash = SecretTokens.sha256Hex(code);
    Handoff handoff =
        db.jdbi()
            .inTransaction(
                h -> {
                  Optional<Handoff> found =
                      h.createQuery(
                              "SELECT o.user_id, o.client_challenge, o.expires_at, u.name"
                                  + " FROM sso_handoffs o JOIN users u ON u.id = o.user_id"
                                  + " WHERE o.code_hash = :c")
                          .bind("c", hash)
                          .map(
                              (rs, c) ->
                                  new Handoff(
                                      rs.getString("user_id"),
                                      rs.getString("client_challenge"),
                                      rs.getLong("expires_at"),
                                      rs.getString("name")))
                          .findOne();
                  h.createUpdate("DELETE FROM sso_handoffs WHERE code_hash = :c")
                      .bind("c", hash)
                      .execute();
                  return found.orElse(null);
                });
    if (handoff == null || handoff.expiresAt() <= clock.millis()) {
      audit.record(unknown, "auth.sso.failed", "sso", "unknown, expired or reused CLI code");
      throw new ApiException(
          401,
          "sso_code",
          "this sign-in code is unknown, expired or was already used; run kpam login --sso again");
    }
    if (!VERIFIER.matcher(codeVerifier).matches()
        || !SecretTokens.constantTimeEquals(handoff.challenge(), s256(codeVerifier))) {
      audit.record(
          Actor.of(handoff.name(), sourceAddress),
          "auth.sso.failed",
          "user:" + handoff.name(),
          "CLI code redeemed without its PKCE verifier");
      throw new ApiException(
          401, "sso_code", "the sign-in code does not belong to this CLI (PKCE); sign in again");
    }
    LoginResponse login = auth.issueSignedIn(handoff.name(), false);
    audit.record(
        Actor.of(handoff.name(), sourceAddress), "auth.sso.login", "user:" + handoff.name(), "CLI");
    return login;
  }

  private record Pending(
      String kind,
      String nonce,
      String codeVerifier,
      String browserHash,
      String clientRedirect,
      String clientChallenge) {}

  /** The pending sign-in of {@code state}, removed (one use); null if unknown or expired. */
  private Pending take(String state) {
    String hash = SecretTokens.sha256Hex(state);
    long now = clock.millis();
    return db.jdbi()
        .inTransaction(
            h -> {
              Optional<Pending> found =
                  h.createQuery(
                          "SELECT kind, nonce, code_verifier, browser_hash, client_redirect,"
                              + " client_challenge FROM sso_logins"
                              + " WHERE state_hash = :s AND expires_at > :t")
                      .bind("s", hash)
                      .bind("t", now)
                      .map(
                          (rs, c) ->
                              new Pending(
                                  rs.getString("kind"),
                                  rs.getString("nonce"),
                                  rs.getString("code_verifier"),
                                  rs.getString("browser_hash"),
                                  rs.getString("client_redirect"),
                                  rs.getString("client_challenge")))
                      .findOne();
              int deleted =
                  h.createUpdate("DELETE FROM sso_logins WHERE state_hash = :s")
                      .bind("s", hash)
                      .execute();
              // Two callbacks with one state at once: only the one that deleted the row goes on.
              return deleted == 1 ? found.orElse(null) : null;
            });
  }

  private URI callbackUri() {
    String base = publicUrl.get();
    return URI.create(
        (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + CALLBACK_PATH);
  }

  /** A loopback redirect of a native app (RFC 8252 section 7.3), or a 400. */
  static URI loopbackRedirect(String text) {
    URI uri;
    try {
      uri = text == null ? null : new URI(text);
    } catch (java.net.URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || !"http".equals(uri.getScheme())
        || uri.getUserInfo() != null
        || uri.getFragment() != null
        || uri.getPort() < 1
        || !(("127.0.0.1").equals(uri.getHost())
            || "[::1]".equals(uri.getHost())
            || "localhost".equals(uri.getHost()))) {
      throw ApiException.invalid(
          "redirectUri",
          text == null ? "missing" : "'" + text + "'",
          "http://127.0.0.1:PORT/PATH (a loopback address with a port)");
    }
    return uri;
  }

  static String s256(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static URI withQuery(String base, String name, String value) {
    return URI.create(base + (base.contains("?") ? "&" : "?") + name + "=" + encode(value));
  }

  private static URI withError(String base, String reason, String description) {
    return URI.create(
        base
            + (base.contains("?") ? "&" : "?")
            + "error="
            + encode(reason)
            + "&error_description="
            + encode(description));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
