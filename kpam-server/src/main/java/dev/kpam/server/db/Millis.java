package dev.kpam.server.db;

import java.time.Instant;

/** Instants as the schema stores them: epoch milliseconds, null stays null. */
public final class Millis {
  private Millis() {}

  public static Long of(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  public static Instant instant(long millis) {
    return Instant.ofEpochMilli(millis);
  }

  /** Reads a nullable BIGINT column. */
  public static Instant nullable(java.sql.ResultSet rs, String column)
      throws java.sql.SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(value);
  }
}
