package dev.kpam.server;

import dev.kpam.server.identity.OidcSettings;
import dev.kpam.server.notify.WebhookSettings;
import dev.kpam.server.siem.AuditStreamSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Everything {@link KpamServer} needs to start. Built by {@code kpam server} from its flags, and by
 * tests with port 0 and a test clock.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.builder().dataDir(dir).httpPort(0).bootstrapPassword(pw).build();
 * }</pre>
 *
 * @param dataDir where the embedded database and the root key file live
 * @param dbUrl JDBC URL; null means SQLite at {@code dataDir/kpam.db}
 * @param bindHost the address the HTTP server listens on
 * @param httpPort 0 picks a free port
 * @param relayPort the port the embedded relay listens on, announced to gateways and clients unless
 *     {@code relayAddresses} are given
 * @param relayAddresses the relays ({@code host:port}) announced to gateways and clients instead of
 *     the embedded relay, e.g. standalone {@code kpam relay}s; clients use the first
 * @param embeddedRelay whether {@code kpam server} runs its own relay; without it, {@code
 *     relayAddresses} must name at least one relay
 * @param publicUrl the URL people and gateways use to reach this server; null derives it
 * @param tlsCert PEM certificate chain for HTTPS, or null for plain HTTP
 * @param tlsKey PEM private key for HTTPS, or null
 * @param rootKeyFile file of the root key; null means {@code dataDir/root.key}
 * @param rootKey the root key itself (base64), from the environment; overrides the file
 * @param bootstrapPassword the first admin's password; null generates one
 * @param clock the time source for expiry and records
 * @param expiryInterval how often sessions past their expiry are marked EXPIRED
 * @param gatewayCertificateLifetime how long a gateway certificate (from enrollment or renewal) is
 *     valid; gateways renew theirs at 2/3 of it
 * @param relayCertificateLifetime the same for standalone relays
 * @param headerTimeout how long a client has to send a request's line and headers, from opening the
 *     connection or from the previous response; then the connection is closed
 * @param webhook where notifications go ({@link WebhookSettings#NONE}: nowhere)
 * @param oidc single sign-on through an OpenID Connect provider, or null for none
 * @param auditStream where audit events are streamed to besides the database (a SIEM)
 * @param adminStepUp how recently an admin must have given a second factor to change anything in
 *     the web UI (step-up); null: never asked
 * @param drainTimeout how long {@link KpamServer#close} lets the requests under way finish after it
 *     stopped taking connections (SIGTERM); zero: it stops them at once
 */
public record ServerConfig(
    Path dataDir,
    String dbUrl,
    String bindHost,
    int httpPort,
    int relayPort,
    List<String> relayAddresses,
    boolean embeddedRelay,
    String publicUrl,
    Path tlsCert,
    Path tlsKey,
    Path rootKeyFile,
    String rootKey,
    String bootstrapPassword,
    Clock clock,
    Duration expiryInterval,
    Duration gatewayCertificateLifetime,
    Duration relayCertificateLifetime,
    Duration headerTimeout,
    WebhookSettings webhook,
    OidcSettings oidc,
    AuditStreamSettings auditStream,
    Duration adminStepUp,
    Duration drainTimeout) {
  static final Duration MIN_CERTIFICATE_LIFETIME = Duration.ofSeconds(10);
  static final Duration MAX_CERTIFICATE_LIFETIME = Duration.ofDays(365);

  public ServerConfig {
    if (dataDir == null) {
      throw new IllegalArgumentException("dataDir: missing (expected: a directory)");
    }
    checkPort("httpPort", httpPort);
    checkPort("relayPort", relayPort);
    relayAddresses = relayAddresses == null ? List.of() : List.copyOf(relayAddresses);
    relayAddresses.forEach(ServerConfig::checkRelayAddress);
    if (!embeddedRelay && relayAddresses.isEmpty()) {
      throw new IllegalArgumentException(
          "relayAddresses: none (expected: at least one HOST:PORT of a relay when the embedded"
              + " relay is off)");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException(
          "tls-cert/tls-key: only one given (expected: both, or neither for plain HTTP)");
    }
    if (expiryInterval == null || expiryInterval.isNegative() || expiryInterval.isZero()) {
      throw new IllegalArgumentException(
          "expiryInterval: " + expiryInterval + " (expected: a positive duration)");
    }
    if (clock == null) {
      throw new IllegalArgumentException("clock: missing");
    }
    checkLifetime("gatewayCertificateLifetime", gatewayCertificateLifetime);
    checkLifetime("relayCertificateLifetime", relayCertificateLifetime);
    if (headerTimeout == null
        || headerTimeout.compareTo(Duration.ofMillis(100)) < 0
        || headerTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(
          "headerTimeout: " + headerTimeout + " (expected: between 100ms and 10m)");
    }
    webhook = webhook == null ? WebhookSettings.NONE : webhook;
    auditStream = auditStream == null ? AuditStreamSettings.NONE : auditStream;
    if (adminStepUp != null
        && (adminStepUp.compareTo(Duration.ofMinutes(1)) < 0
            || adminStepUp.compareTo(Duration.ofHours(12)) > 0)) {
      throw new IllegalArgumentException(
          "adminStepUp: " + adminStepUp + " (expected: between 1m and 12h)");
    }
    if (drainTimeout == null
        || drainTimeout.isNegative()
        || drainTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(
          "drainTimeout: " + drainTimeout + " (expected: between 0s and 10m)");
    }
    if (bindHost == null || bindHost.isBlank()) {
      throw new IllegalArgumentException(
          "bindHost: missing (expected: an address such as 0.0.0.0)");
    }
  }

  private static void checkPort(String name, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + ": " + port + " (expected: 0 to 65535)");
    }
  }

  private static void checkLifetime(String name, Duration lifetime) {
    if (lifetime == null
        || lifetime.compareTo(MIN_CERTIFICATE_LIFETIME) < 0
        || lifetime.compareTo(MAX_CERTIFICATE_LIFETIME) > 0) {
      throw new IllegalArgumentException(
          name + ": " + lifetime + " (expected: between 10s and 365d)");
    }
  }

  /** {@code host:port} or {@code [v6]:port}, as clients and gateways dial it. */
  private static void checkRelayAddress(String address) {
    URI uri;
    try {
      uri = address == null ? null : new URI("tcp://" + address);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || uri.getHost() == null
        || uri.getPort() < 1
        || uri.getRawPath() == null
        || !uri.getRawPath().isEmpty()) {
      throw new IllegalArgumentException(
          "relayAddresses: '" + address + "' (expected: HOST:PORT, e.g. relay.example.com:7443)");
    }
  }

  /** The JDBC URL in use: the given one, or the embedded SQLite file. */
  public String effectiveDbUrl() {
    return dbUrl != null ? dbUrl : "jdbc:sqlite:" + dataDir.resolve("kpam.db").toAbsolutePath();
  }

  public Path effectiveRootKeyFile() {
    return rootKeyFile != null ? rootKeyFile : dataDir.resolve("root.key");
  }

  public boolean tls() {
    return tlsCert != null;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Defaults: port 8080, embedded relay on port 8443, all interfaces, system UTC clock, expiry
   * every second, gateway and relay certificates valid for 30 days, 20 s for request headers.
   */
  public static final class Builder {
    private Path dataDir;
    private String dbUrl;
    private String bindHost = "0.0.0.0";
    private int httpPort = 8080;
    private int relayPort = 8443;
    private List<String> relayAddresses = List.of();
    private boolean embeddedRelay = true;
    private String publicUrl;
    private Path tlsCert;
    private Path tlsKey;
    private Path rootKeyFile;
    private String rootKey;
    private String bootstrapPassword;
    private Clock clock = Clock.systemUTC();
    private Duration expiryInterval = Duration.ofSeconds(1);
    private Duration gatewayCertificateLifetime = Duration.ofDays(30);
    private Duration relayCertificateLifetime = Duration.ofDays(30);
    private Duration headerTimeout = Duration.ofSeconds(20);
    private WebhookSettings webhook = WebhookSettings.NONE;
    private OidcSettings oidc;
    private Duration adminStepUp;
    private AuditStreamSettings auditStream = AuditStreamSettings.NONE;
    private Duration drainTimeout = Duration.ofSeconds(20);

    public Builder dataDir(Path value) {
      dataDir = value;
      return this;
    }

    public Builder dbUrl(String value) {
      dbUrl = value;
      return this;
    }

    public Builder bindHost(String value) {
      bindHost = value;
      return this;
    }

    public Builder httpPort(int value) {
      httpPort = value;
      return this;
    }

    public Builder relayPort(int value) {
      relayPort = value;
      return this;
    }

    /** Announces these relays instead of the embedded one's address. */
    public Builder relayAddresses(List<String> value) {
      relayAddresses = value;
      return this;
    }

    /** Whether {@code kpam server} runs its own relay (default true). */
    public Builder embeddedRelay(boolean value) {
      embeddedRelay = value;
      return this;
    }

    public Builder publicUrl(String value) {
      publicUrl = value;
      return this;
    }

    public Builder tls(Path cert, Path key) {
      tlsCert = cert;
      tlsKey = key;
      return this;
    }

    public Builder rootKeyFile(Path value) {
      rootKeyFile = value;
      return this;
    }

    public Builder rootKey(String value) {
      rootKey = value;
      return this;
    }

    public Builder bootstrapPassword(String value) {
      bootstrapPassword = value;
      return this;
    }

    public Builder clock(Clock value) {
      clock = value;
      return this;
    }

    public Builder expiryInterval(Duration value) {
      expiryInterval = value;
      return this;
    }

    public Builder gatewayCertificateLifetime(Duration value) {
      gatewayCertificateLifetime = value;
      return this;
    }

    public Builder relayCertificateLifetime(Duration value) {
      relayCertificateLifetime = value;
      return this;
    }

    public Builder headerTimeout(Duration value) {
      headerTimeout = value;
      return this;
    }

    public Builder webhook(WebhookSettings value) {
      webhook = value;
      return this;
    }

    public Builder oidc(OidcSettings value) {
      oidc = value;
      return this;
    }

    public Builder auditStream(AuditStreamSettings value) {
      auditStream = value;
      return this;
    }

    public Builder adminStepUp(Duration value) {
      adminStepUp = value;
      return this;
    }

    public Builder drainTimeout(Duration value) {
      drainTimeout = value;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(
          dataDir,
          dbUrl,
          bindHost,
          httpPort,
          relayPort,
          relayAddresses,
          embeddedRelay,
          publicUrl,
          tlsCert,
          tlsKey,
          rootKeyFile,
          rootKey,
          bootstrapPassword,
          clock,
          expiryInterval,
          gatewayCertificateLifetime,
          relayCertificateLifetime,
          headerTimeout,
          webhook,
          oidc,
          auditStream,
          adminStepUp,
          drainTimeout);
    }
  }
}
