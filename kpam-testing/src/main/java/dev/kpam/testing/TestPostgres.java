package dev.kpam.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server this machine runs (127.0.0.1:5432, trust auth, database {@code test}), with
 * a fresh schema per use so that tests never see each other's rows. Where no server is reachable
 * the calling test is skipped with a clear message, except under CI ({@code CI=true}), where it
 * fails: CI must prove both databases.
 *
 * <pre>{@code
 * try (TestPostgres.Schema schema = TestPostgres.freshSchema()) {
 *   startServerWith(schema.jdbcUrl());
 * }
 * }</pre>
 */
public final class TestPostgres {
  private static final String BASE_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String USER = "postgres";

  private TestPostgres() {}

  /** A schema created for one test, dropped on close. */
  public record Schema(String name, String jdbcUrl) implements AutoCloseable {
    @Override
    public void close() {
      try (Connection connection = DriverManager.getConnection(BASE_URL, USER, "");
          Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
      } catch (SQLException e) {
        throw new IllegalStateException("cannot drop test schema " + name, e);
      }
    }
  }

  /** Creates an empty schema and returns a JDBC URL whose default schema it is. */
  public static Schema freshSchema() {
    String name = "kpam_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection connection = DriverManager.getConnection(BASE_URL, USER, "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + name);
    } catch (SQLException e) {
      String message =
          "PostgreSQL at 127.0.0.1:5432 (database test, user postgres) is not reachable: "
              + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(message + " (CI must run the PostgreSQL tests)");
      }
      Assumptions.abort(message + "; skipping the PostgreSQL variant of this test");
    }
    return new Schema(
        name, BASE_URL + "?user=" + USER + "&currentSchema=" + name + "&ApplicationName=kpam-test");
  }
}
