package dev.kpam.server.ca;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.CertificateRequest;
import dev.kpam.crypto.pki.Csrs;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.server.db.Database;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.secrets.SecretStore;
import dev.kpam.server.secrets.SecretStore.Sealed;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The kpam certificate authority of this installation: created on first start, its private key
 * sealed under the root key in the database, shared by every server replica.
 *
 * <pre>{@code
 * CertificateAuthority ca = InternalCa.loadOrCreate(db, secrets, clock);
 * X509Certificate cert = ca.issueGatewayCertificate(publicKey, gatewayId, Duration.ofDays(30));
 * }</pre>
 */
public final class InternalCa {
  private static final String ID = "default";
  private static final String SEAL_CONTEXT = "ca:" + ID;

  private InternalCa() {}

  public static CertificateAuthority loadOrCreate(Database db, SecretStore secrets, Clock clock) {
    return load(db, secrets, clock).orElseGet(() -> create(db, secrets, clock));
  }

  /**
   * The verified CSR in {@code pem}.
   *
   * @throws ApiException 400 {@code invalid_argument} naming the field {@code csr}
   */
  public static CertificateRequest parseCsr(String pem) {
    if (pem == null || pem.isBlank()) {
      throw ApiException.invalid("csr", "missing", "a PEM certificate signing request");
    }
    try {
      return Csrs.parse(pem);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("csr: " + e.getMessage());
    }
  }

  /** The CA chain as PEM strings, for API answers. */
  public static List<String> chainPem(CertificateAuthority ca) {
    return ca.chain().stream().map(Pem::encodeCertificate).toList();
  }

  private static Optional<CertificateAuthority> load(
      Database db, SecretStore secrets, Clock clock) {
    return db.jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT certificate, key_data_key, key_sealed FROM certificate_authorities"
                            + " WHERE id = :id")
                    .bind("id", ID)
                    .map(
                        (rs, ctx) -> {
                          X509Certificate cert = Pem.parseCertificate(rs.getString("certificate"));
                          byte[] keyPem =
                              secrets.open(
                                  new Sealed(
                                      rs.getString("key_data_key"), rs.getBytes("key_sealed")),
                                  SEAL_CONTEXT);
                          PrivateKey key =
                              Pem.parsePrivateKey(new String(keyPem, StandardCharsets.UTF_8));
                          return CertificateAuthority.of(cert, key, clock);
                        })
                    .findOne());
  }

  private static CertificateAuthority create(Database db, SecretStore secrets, Clock clock) {
    CertificateAuthority ca = CertificateAuthority.create("kpam internal CA", clock);
    Sealed sealed =
        secrets.seal(
            Pem.encodePrivateKey(ca.privateKey()).getBytes(StandardCharsets.UTF_8), SEAL_CONTEXT);
    // Two replicas starting at once: the second insert finds the row and loses; both then use
    // the one that was stored.
    int inserted =
        db.jdbi()
            .withHandle(
                h ->
                    h.createUpdate(
                            "INSERT INTO certificate_authorities"
                                + " (id, certificate, key_data_key, key_sealed, created_at)"
                                + " VALUES (:id, :cert, :kid, :sealed, :t) ON CONFLICT (id) DO NOTHING")
                        .bind("id", ID)
                        .bind("cert", Pem.encodeCertificate(ca.certificate()))
                        .bind("kid", sealed.dataKeyId())
                        .bind("sealed", sealed.ciphertext())
                        .bind("t", clock.millis())
                        .execute());
    return inserted == 1 ? ca : load(db, secrets, clock).orElseThrow();
  }
}
