package dev.kpam.server.gateways;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.CertificateRequest;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.crypto.secrets.SecretTokens;
import dev.kpam.protocol.gateways.CertificateResponse;
import dev.kpam.protocol.gateways.CreatedGateway;
import dev.kpam.protocol.gateways.EnrollRequest;
import dev.kpam.protocol.gateways.EnrollResponse;
import dev.kpam.protocol.gateways.GatewayView;
import dev.kpam.protocol.gateways.Heartbeat;
import dev.kpam.protocol.gateways.HeartbeatAnswer;
import dev.kpam.server.Ids;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.auth.Authenticator;
import dev.kpam.server.ca.InternalCa;
import dev.kpam.server.db.Database;
import dev.kpam.server.db.Millis;
import dev.kpam.server.enrollment.EnrollmentTokens;
import dev.kpam.server.enrollment.EnrollmentTokens.Issued;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.revocation.Revocations;
import dev.kpam.server.revocation.Revocations.Scope;
import dev.kpam.server.users.Names;
import io.javalin.http.Context;
import java.security.cert.X509Certificate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Gateways: creation with a one-time enrollment token, enrollment (CSR in, certificate and
 * credential out), certificate renewal, heartbeats and the status they give.
 *
 * <pre>{@code
 * CreatedGateway created = gateways.create("dc1", admin.actor());
 * EnrollResponse enrolled = gateways.enroll(new EnrollRequest(created.enrollToken(), csr, "1.0"), ip);
 * }</pre>
 */
public final class Gateways {
  static final Duration ONLINE_WITHIN = Duration.ofSeconds(30);

  /** A gateway row with the number of its instances and of those online (:since). */
  private static final String VIEW =
      "SELECT g.*,"
          + " (SELECT COUNT(*) FROM gateway_credentials c WHERE c.gateway_id = g.id) AS instances,"
          + " (SELECT COUNT(*) FROM gateway_credentials c WHERE c.gateway_id = g.id"
          + " AND c.last_heartbeat_at > :since) AS instances_online"
          + " FROM gateways g";

  private final Database db;
  private final CertificateAuthority ca;
  private final Clock clock;
  private final Ids ids;
  private final AuditLog audit;
  private final Supplier<String> publicUrl;
  private final Supplier<List<String>> relayAddresses;
  private final Duration certificateLifetime;
  private final EnrollmentTokens tokens;
  private final Revocations revocations;

  public Gateways(
      Database db,
      Revocations revocations,
      CertificateAuthority ca,
      Clock clock,
      Ids ids,
      AuditLog audit,
      Supplier<String> publicUrl,
      Supplier<List<String>> relayAddresses,
      Duration certificateLifetime) {
    this.db = db;
    this.revocations = revocations;
    this.ca = ca;
    this.clock = clock;
    this.ids = ids;
    this.audit = audit;
    this.publicUrl = publicUrl;
    this.relayAddresses = relayAddresses;
    this.certificateLifetime = certificateLifetime;
    this.tokens = new EnrollmentTokens("enrollment_tokens", "gateway_id", "kpge", clock, ids);
  }

  public CreatedGateway create(String requestedName, Actor actor) {
    String name = Names.label("name", requestedName);
    String id = ids.next();
    db.jdbi()
        .useTransaction(
            h -> {
              if (h.createQuery("SELECT 1 FROM gateways WHERE name = :n")
                  .bind("n", name)
                  .mapTo(Integer.class)
                  .findOne()
                  .isPresent()) {
                throw ApiException.alreadyExists("gateway '" + name + "' already exists");
              }
              h.createUpdate("INSERT INTO gateways (id, name, created_at) VALUES (:id, :n, :t)")
                  .bind("id", id)
                  .bind("n", name)
                  .bind("t", clock.millis())
                  .execute();
              audit.record(h, actor, "gateway.create", "gateway:" + name, null);
            });
    return newEnrollToken(name, actor, false);
  }

  /**
   * A fresh one-time token for (re-)enrolling; earlier unused tokens of the gateway stop working.
   */
  public CreatedGateway newEnrollToken(String name, Actor actor, boolean audited) {
    GatewayView gateway = get(name);
    Issued issued =
        db.jdbi()
            .inTransaction(
                h -> {
                  if (audited) {
                    audit.record(h, actor, "gateway.enroll-token", "gateway:" + name, null);
                  }
                  return tokens.issue(h, gateway.id());
                });
    String command =
        "kpam gateway --server "
            + publicUrl.get()
            + " --enroll-token "
            + issued.token()
            + " --name "
            + name;
    return new CreatedGateway(gateway, issued.token(), issued.expiresAt(), command);
  }

  public List<GatewayView> list() {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(VIEW + " ORDER BY g.name")
                    .bind("since", onlineSince())
                    .map((rs, c) -> view(rs))
                    .list());
  }

  public GatewayView get(String name) {
    return find(name).orElseThrow(() -> ApiException.notFound("gateway '" + name + "' not found"));
  }

  public Optional<GatewayView> find(String name) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(VIEW + " WHERE g.name = :n")
                    .bind("n", name)
                    .bind("since", onlineSince())
                    .map((rs, c) -> view(rs))
                    .findOne());
  }

  public void delete(String name, Actor actor) {
    GatewayView gateway = get(name);
    db.jdbi()
        .useTransaction(
            h -> {
              List<String> resources =
                  h.createQuery("SELECT name FROM resources WHERE gateway_id = :g ORDER BY name")
                      .bind("g", gateway.id())
                      .mapTo(String.class)
                      .list();
              if (!resources.isEmpty()) {
                throw ApiException.conflict(
                    "gateway '"
                        + name
                        + "' is used by resources "
                        + String.join(", ", resources)
                        + "; move or delete them first");
              }
              h.createUpdate("DELETE FROM gateways WHERE id = :g")
                  .bind("g", gateway.id())
                  .execute();
              audit.record(h, actor, "gateway.delete", "gateway:" + name, null);
              revocations.revoke(
                  h, actor, Scope.gateway(gateway.id()), "gateway " + name + " deleted");
            });
    revocations.committed();
  }

  /**
   * Spends a one-time token: signs the CSR and hands out a credential of this instance's own (each
   * instance of a pool enrolls with a token of its own).
   */
  public EnrollResponse enroll(EnrollRequest request, String sourceAddress) {
    if (request.enrollToken() == null || request.enrollToken().isBlank()) {
      throw ApiException.invalid(
          "enrollToken", "missing", "the token printed by 'kpam gateways create'");
    }
    CertificateRequest csr = InternalCa.parseCsr(request.csr());
    String credential = SecretTokens.generate("kpgw");
    long now = clock.millis();
    record Enrolled(String gatewayId, String name) {}
    Enrolled enrolled =
        db.jdbi()
            .inTransaction(
                h -> {
                  Optional<String> gatewayId = tokens.spend(h, request.enrollToken());
                  if (gatewayId.isEmpty()) {
                    return null;
                  }
                  String name =
                      h.createQuery("SELECT name FROM gateways WHERE id = :g")
                          .bind("g", gatewayId.get())
                          .mapTo(String.class)
                          .one();
                  // One more instance of the gateway: the credentials of those enrolled before
                  // stay valid (a pool under one name, docs/OPERATIONS.md §1).
                  h.createUpdate(
                          "INSERT INTO gateway_credentials (credential_hash, gateway_id,"
                              + " instance_id, enrolled_at, version)"
                              + " VALUES (:cred, :g, :instance, :now, :v)")
                      .bind("cred", SecretTokens.sha256Hex(credential))
                      .bind("instance", ids.next())
                      .bind("now", now)
                      .bind("v", request.version())
                      .bind("g", gatewayId.get())
                      .execute();
                  h.createUpdate(
                          "UPDATE gateways SET enrolled_at = :now, version = :v WHERE id = :g")
                      .bind("now", now)
                      .bind("v", request.version())
                      .bind("g", gatewayId.get())
                      .execute();
                  return new Enrolled(gatewayId.get(), name);
                });
    if (enrolled == null) {
      audit.record(
          Actor.of("-", sourceAddress),
          "gateway.enroll.failed",
          null,
          "invalid, used or expired token");
      throw ApiException.unauthenticated(
          "the enrollment token is invalid, expired or already used; create a new one with 'kpam gateways create' or the UI");
    }
    X509Certificate certificate = issue(enrolled.gatewayId(), csr);
    audit.record(
        Actor.of("gateway:" + enrolled.name(), sourceAddress),
        "gateway.enroll",
        "gateway:" + enrolled.name(),
        null);
    return new EnrollResponse(
        enrolled.gatewayId(),
        enrolled.name(),
        Pem.encodeCertificate(certificate),
        InternalCa.chainPem(ca),
        credential,
        relayAddresses.get());
  }

  public CertificateResponse renew(GatewayPrincipal gateway, String csrPem) {
    X509Certificate certificate = issue(gateway.gatewayId(), InternalCa.parseCsr(csrPem));
    audit.record(gateway.actor(), "gateway.certificate.renew", "gateway:" + gateway.name(), null);
    return new CertificateResponse(Pem.encodeCertificate(certificate), InternalCa.chainPem(ca));
  }

  /** Notes the gateway's heartbeat; answers the relays it should keep tunnels to now. */
  public HeartbeatAnswer heartbeat(GatewayPrincipal gateway, Heartbeat heartbeat) {
    List<String> relays = heartbeat.relays() == null ? List.of() : heartbeat.relays();
    long now = clock.millis();
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate(
                      "UPDATE gateways SET last_heartbeat_at = :t, version = :v, relays = :r"
                          + " WHERE id = :g")
                  .bind("t", now)
                  .bind("v", heartbeat.version())
                  .bind("r", String.join(",", relays))
                  .bind("g", gateway.gatewayId())
                  .execute();
              h.createUpdate(
                      "UPDATE gateway_credentials SET last_heartbeat_at = :t, version = :v"
                          + " WHERE gateway_id = :g AND instance_id = :i")
                  .bind("t", now)
                  .bind("v", heartbeat.version())
                  .bind("g", gateway.gatewayId())
                  .bind("i", gateway.instanceId())
                  .execute();
            });
    return new HeartbeatAnswer(relayAddresses.get());
  }

  /** The gateway behind the request's credential, or a 401. */
  public GatewayPrincipal authenticate(Context ctx) {
    String hash = SecretTokens.sha256Hex(Authenticator.bearer(ctx));
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT g.id, g.name, c.instance_id FROM gateway_credentials c"
                            + " JOIN gateways g ON g.id = c.gateway_id WHERE c.credential_hash = :hash")
                    .bind("hash", hash)
                    .map(
                        (rs, c) ->
                            new GatewayPrincipal(
                                rs.getString("id"),
                                rs.getString("name"),
                                rs.getString("instance_id"),
                                ctx.ip()))
                    .findOne())
        .orElseThrow(
            () ->
                ApiException.unauthenticated(
                    "unknown gateway credential; enroll the gateway again"));
  }

  private X509Certificate issue(String gatewayId, CertificateRequest csr) {
    X509Certificate certificate =
        ca.issueGatewayCertificate(csr.publicKey(), gatewayId, certificateLifetime);
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate("UPDATE gateways SET certificate_expires_at = :exp WHERE id = :g")
                    .bind("exp", certificate.getNotAfter().getTime())
                    .bind("g", gatewayId)
                    .execute());
    return certificate;
  }

  /**
   * {@code pending} before enrollment, {@code online} with a recent heartbeat, else {@code
   * offline}.
   */
  public String status(Instant enrolledAt, Instant lastHeartbeatAt) {
    if (enrolledAt == null) {
      return "pending";
    }
    boolean recent =
        lastHeartbeatAt != null && lastHeartbeatAt.isAfter(clock.instant().minus(ONLINE_WITHIN));
    return recent ? "online" : "offline";
  }

  private GatewayView view(ResultSet rs) throws SQLException {
    Instant enrolled = Millis.nullable(rs, "enrolled_at");
    Instant heartbeat = Millis.nullable(rs, "last_heartbeat_at");
    String status = status(enrolled, heartbeat);
    String relays = rs.getString("relays");
    return new GatewayView(
        rs.getString("id"),
        rs.getString("name"),
        status,
        rs.getString("version"),
        Millis.instant(rs.getLong("created_at")),
        enrolled,
        heartbeat,
        Millis.nullable(rs, "certificate_expires_at"),
        relays == null || relays.isEmpty() ? List.of() : Arrays.asList(relays.split(",")),
        rs.getInt("instances"),
        rs.getInt("instances_online"));
  }

  private long onlineSince() {
    return clock.millis() - ONLINE_WITHIN.toMillis();
  }
}
