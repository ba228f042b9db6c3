package dev.kpam.server.relays;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.CertificateRequest;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.crypto.secrets.SecretTokens;
import dev.kpam.protocol.gateways.CertificateResponse;
import dev.kpam.protocol.relays.CreatedRelay;
import dev.kpam.protocol.relays.RelayEnrollRequest;
import dev.kpam.protocol.relays.RelayEnrollResponse;
import dev.kpam.protocol.relays.RelayView;
import dev.kpam.protocol.relays.RenewRelayCertificateRequest;
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
import dev.kpam.server.users.Names;
import io.javalin.http.Context;
import java.security.cert.X509Certificate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Standalone relays ({@code kpam relay}): registration with a one-time enrollment token, enrollment
 * (CSR and addresses in, relay certificate and credential out), certificate renewal. Like gateways,
 * a relay's key never leaves it and its credential is stored only as a hash.
 *
 * <pre>{@code
 * CreatedRelay created = relays.create("edge", admin.actor());
 * RelayEnrollResponse enrolled = relays.enroll(new RelayEnrollRequest(created.enrollToken(), csr, addresses), ip);
 * }</pre>
 */
public final class Relays {
  private final Database db;
  private final CertificateAuthority ca;
  private final Clock clock;
  private final Ids ids;
  private final AuditLog audit;
  private final Supplier<String> publicUrl;
  private final Duration certificateLifetime;
  private final EnrollmentTokens tokens;

  public Relays(
      Database db,
      CertificateAuthority ca,
      Clock clock,
      Ids ids,
      AuditLog audit,
      Supplier<String> publicUrl,
      Duration certificateLifetime) {
    this.db = db;
    this.ca = ca;
    this.clock = clock;
    this.ids = ids;
    this.audit = audit;
    this.publicUrl = publicUrl;
    this.certificateLifetime = certificateLifetime;
    this.tokens = new EnrollmentTokens("relay_enrollment_tokens", "relay_id", "kpre", clock, ids);
  }

  /** Registers relay {@code name} and makes its one-time enrollment token. */
  public CreatedRelay create(String requestedName, Actor actor) {
    String name = Names.label("name", requestedName);
    String id = ids.next();
    Issued issued =
        db.jdbi()
            .inTransaction(
                h -> {
                  if (h.createQuery("SELECT 1 FROM relays WHERE name = :n")
                      .bind("n", name)
                      .mapTo(Integer.class)
                      .findOne()
                      .isPresent()) {
                    throw ApiException.alreadyExists("relay '" + name + "' already exists");
                  }
                  h.createUpdate("INSERT INTO relays (id, name, created_at) VALUES (:id, :n, :t)")
                      .bind("id", id)
                      .bind("n", name)
                      .bind("t", clock.millis())
                      .execute();
                  audit.record(h, actor, "relay.create", "relay:" + name, null);
                  return tokens.issue(h, id);
                });
    String command =
        "kpam relay --server "
            + publicUrl.get()
            + " --enroll-token "
            + issued.token()
            + " --name "
            + name;
    return new CreatedRelay(get(name), issued.token(), issued.expiresAt(), command);
  }

  public List<RelayView> list() {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT * FROM relays ORDER BY name")
                    .map((rs, c) -> view(rs))
                    .list());
  }

  public RelayView get(String name) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT * FROM relays WHERE name = :n")
                    .bind("n", name)
                    .map((rs, c) -> view(rs))
                    .findOne())
        .orElseThrow(() -> ApiException.notFound("relay '" + name + "' not found"));
  }

  /**
   * Removes the relay: its credential stops working at once, so it admits no session any more. Its
   * certificate stays valid until it expires.
   */
  public void delete(String name, Actor actor) {
    RelayView relay = get(name);
    db.jdbi()
        .useTransaction(
            h -> {
              h.createUpdate("DELETE FROM relays WHERE id = :id").bind("id", relay.id()).execute();
              audit.record(h, actor, "relay.delete", "relay:" + name, null);
            });
  }

  /** Spends a one-time token: signs the relay's CSR for its addresses, hands out its credential. */
  public RelayEnrollResponse enroll(RelayEnrollRequest request, String sourceAddress) {
    if (request.enrollToken() == null || request.enrollToken().isBlank()) {
      throw ApiException.invalid(
          "enrollToken", "missing", "the token printed by 'kpam relays create'");
    }
    CertificateRequest csr = InternalCa.parseCsr(request.csr());
    RelayAddresses addresses = RelayAddresses.parse("addresses", request.addresses());
    String credential = SecretTokens.generate("kprl");
    record Enrolled(String relayId, String name) {}
    Enrolled enrolled =
        db.jdbi()
            .inTransaction(
                h -> {
                  Optional<String> relayId = tokens.spend(h, request.enrollToken());
                  if (relayId.isEmpty()) {
                    return null;
                  }
                  String name =
                      h.createQuery("SELECT name FROM relays WHERE id = :id")
                          .bind("id", relayId.get())
                          .mapTo(String.class)
                          .one();
                  h.createUpdate(
                          "UPDATE relays SET credential_hash = :cred, enrolled_at = :now,"
                              + " addresses = :addresses WHERE id = :id")
                      .bind("cred", SecretTokens.sha256Hex(credential))
                      .bind("now", clock.millis())
                      .bind("addresses", addresses.stored())
                      .bind("id", relayId.get())
                      .execute();
                  return new Enrolled(relayId.get(), name);
                });
    if (enrolled == null) {
      audit.record(
          Actor.of("-", sourceAddress),
          "relay.enroll.failed",
          null,
          "invalid, used or expired token");
      throw ApiException.unauthenticated(
          "the enrollment token is invalid, expired or already used; register the relay again"
              + " with 'kpam relays delete' and 'kpam relays create'");
    }
    X509Certificate certificate = issue(enrolled.relayId(), csr, addresses);
    audit.record(
        Actor.of("relay:" + enrolled.name(), sourceAddress),
        "relay.enroll",
        "relay:" + enrolled.name(),
        "addresses " + addresses.addresses());
    return new RelayEnrollResponse(
        enrolled.relayId(),
        enrolled.name(),
        Pem.encodeCertificate(certificate),
        InternalCa.chainPem(ca),
        credential);
  }

  /** A new certificate for the relay's new key; {@code addresses} null keeps the stored ones. */
  public CertificateResponse renew(RelayPrincipal relay, RenewRelayCertificateRequest request) {
    CertificateRequest csr = InternalCa.parseCsr(request.csr());
    RelayAddresses addresses =
        RelayAddresses.parse(
            "addresses",
            request.addresses() != null ? request.addresses() : storedAddresses(relay.relayId()));
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate("UPDATE relays SET addresses = :addresses WHERE id = :id")
                    .bind("addresses", addresses.stored())
                    .bind("id", relay.relayId())
                    .execute());
    X509Certificate certificate = issue(relay.relayId(), csr, addresses);
    audit.record(
        relay.actor(),
        "relay.certificate.renew",
        "relay:" + relay.name(),
        "addresses " + addresses.addresses());
    return new CertificateResponse(Pem.encodeCertificate(certificate), InternalCa.chainPem(ca));
  }

  /** The relay behind the request's credential, or a 401. */
  public RelayPrincipal authenticate(Context ctx) {
    String hash = SecretTokens.sha256Hex(Authenticator.bearer(ctx));
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT id, name FROM relays WHERE credential_hash = :hash")
                    .bind("hash", hash)
                    .map(
                        (rs, c) ->
                            new RelayPrincipal(rs.getString("id"), rs.getString("name"), ctx.ip()))
                    .findOne())
        .orElseThrow(
            () ->
                ApiException.unauthenticated(
                    "unknown relay credential; the relay was deleted or must enroll again"));
  }

  private List<String> storedAddresses(String relayId) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT addresses FROM relays WHERE id = :id")
                    .bind("id", relayId)
                    .mapTo(String.class)
                    .findOne()
                    .map(RelayAddresses::fromStored)
                    .orElse(List.of()));
  }

  private X509Certificate issue(String relayId, CertificateRequest csr, RelayAddresses addresses) {
    X509Certificate certificate;
    try {
      certificate =
          ca.issueRelayCertificate(
              csr.publicKey(),
              relayId,
              addresses.dnsNames(),
              addresses.ipAddresses(),
              certificateLifetime);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("addresses: " + e.getMessage());
    }
    db.jdbi()
        .useHandle(
            h ->
                h.createUpdate("UPDATE relays SET certificate_expires_at = :exp WHERE id = :id")
                    .bind("exp", certificate.getNotAfter().getTime())
                    .bind("id", relayId)
                    .execute());
    return certificate;
  }

  private static RelayView view(ResultSet rs) throws SQLException {
    Instant enrolled = Millis.nullable(rs, "enrolled_at");
    return new RelayView(
        rs.getString("id"),
        rs.getString("name"),
        enrolled == null ? "pending" : "enrolled",
        RelayAddresses.fromStored(rs.getString("addresses")),
        Millis.instant(rs.getLong("created_at")),
        enrolled,
        Millis.nullable(rs, "certificate_expires_at"));
  }
}
