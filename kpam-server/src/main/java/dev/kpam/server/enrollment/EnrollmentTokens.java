package dev.kpam.server.enrollment;

import dev.kpam.crypto.secrets.SecretTokens;
import dev.kpam.server.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * One-time enrollment tokens of one kind of part (gateways, relays): 32 random bytes with a prefix,
 * valid for an hour, stored only as SHA-256 hashes in {@code table} next to the id of the part they
 * enroll ({@code ownerColumn}). A new token replaces the part's unused ones; spending is one
 * conditional UPDATE, so two racing uses (or replicas) cannot both win.
 *
 * <pre>{@code
 * EnrollmentTokens tokens = new EnrollmentTokens("relay_enrollment_tokens", "relay_id", "kpre", clock, ids);
 * Issued issued = db.jdbi().inTransaction(h -> tokens.issue(h, relayId));
 * Optional<String> relayId = db.jdbi().inTransaction(h -> tokens.spend(h, presented));
 * }</pre>
 */
public final class EnrollmentTokens {
  public static final Duration TTL = Duration.ofHours(1);

  private final String table;
  private final String ownerColumn;
  private final String prefix;
  private final Clock clock;
  private final Ids ids;

  public EnrollmentTokens(String table, String ownerColumn, String prefix, Clock clock, Ids ids) {
    this.table = table;
    this.ownerColumn = ownerColumn;
    this.prefix = prefix;
    this.clock = clock;
    this.ids = ids;
  }

  /** A token just made: shown once to the admin, never stored. */
  public record Issued(String token, Instant expiresAt) {
    @Override
    public String toString() {
      return "Issued[token=<redacted>, expiresAt=" + expiresAt + "]";
    }
  }

  /** A fresh token for {@code ownerId}; its earlier unused tokens stop working. */
  public Issued issue(Handle h, String ownerId) {
    String token = SecretTokens.generate(prefix);
    Instant expires = clock.instant().plus(TTL);
    h.createUpdate(
            "DELETE FROM " + table + " WHERE " + ownerColumn + " = :owner AND used_at IS NULL")
        .bind("owner", ownerId)
        .execute();
    h.createUpdate(
            "INSERT INTO "
                + table
                + " (id, "
                + ownerColumn
                + ", token_hash, created_at, expires_at) VALUES (:id, :owner, :hash, :t, :exp)")
        .bind("id", ids.next())
        .bind("owner", ownerId)
        .bind("hash", SecretTokens.sha256Hex(token))
        .bind("t", clock.millis())
        .bind("exp", expires.toEpochMilli())
        .execute();
    return new Issued(token, expires);
  }

  /**
   * Spends {@code token}: the id of the part it enrolls, or empty if it is unknown, used or
   * expired.
   */
  public Optional<String> spend(Handle h, String token) {
    long now = clock.millis();
    String hash = SecretTokens.sha256Hex(token);
    Optional<String> owner =
        h.createQuery(
                "SELECT "
                    + ownerColumn
                    + " FROM "
                    + table
                    + " WHERE token_hash = :hash AND used_at IS NULL AND expires_at > :now")
            .bind("hash", hash)
            .bind("now", now)
            .mapTo(String.class)
            .findOne();
    if (owner.isEmpty()) {
      return Optional.empty();
    }
    int spent =
        h.createUpdate(
                "UPDATE "
                    + table
                    + " SET used_at = :now WHERE token_hash = :hash AND used_at IS NULL")
            .bind("now", now)
            .bind("hash", hash)
            .execute();
    return spent == 1 ? owner : Optional.empty();
  }
}
