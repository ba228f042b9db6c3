package dev.kpam.server;

import dev.kpam.testing.TestClock;
import dev.kpam.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A real {@link KpamServer} on port 0 for one test, on SQLite (a file in a temp dir) or on a fresh
 * PostgreSQL schema, with a {@link TestClock}. Logs in as the bootstrap admin.
 */
final class TestServer implements AutoCloseable {
  static final String ADMIN_PASSWORD = "admin-password-for-tests";

  final Path dataDir;
  final TestClock clock;
  final KpamServer server;
  final Api anonymous;
  final Api admin;
  private final TestPostgres.Schema schema;

  private TestServer(Path dataDir, TestClock clock, KpamServer server, TestPostgres.Schema schema) {
    this.dataDir = dataDir;
    this.clock = clock;
    this.server = server;
    this.schema = schema;
    this.anonymous = new Api(server.url());
    this.admin = anonymous.login("admin", ADMIN_PASSWORD);
  }

  static TestServer start(Backend backend) {
    return start(backend, b -> b);
  }

  static TestServer start(Backend backend, UnaryOperator<ServerConfig.Builder> customize) {
    Path dataDir = tempDir();
    TestPostgres.Schema schema = backend == Backend.POSTGRESQL ? TestPostgres.freshSchema() : null;
    TestClock clock = TestClock.startingNow();
    ServerConfig.Builder builder =
        settings(dataDir, schema == null ? null : schema.jdbcUrl(), clock).relayPort(18443);
    KpamServer server = KpamServer.start(customize.apply(builder).build());
    return new TestServer(dataDir, clock, server, schema);
  }

  /**
   * A replica of this server (PostgreSQL only): another {@link KpamServer} on the same schema and
   * root key, with the same clock, its own port and relay; closing it leaves the schema.
   */
  TestServer replica(UnaryOperator<ServerConfig.Builder> customize) {
    if (schema == null) {
      throw new IllegalStateException("replicas share a PostgreSQL database; this is SQLite");
    }
    Path replicaDir = tempDir();
    ServerConfig.Builder builder =
        settings(replicaDir, schema.jdbcUrl(), clock)
            .relayPort(0)
            .rootKeyFile(dataDir.resolve("root.key"));
    return new TestServer(
        replicaDir, clock, KpamServer.start(customize.apply(builder).build()), null);
  }

  static ServerConfig.Builder settings(Path dataDir, String dbUrl, TestClock clock) {
    return ServerConfig.builder()
        .dataDir(dataDir)
        .dbUrl(dbUrl)
        .bindHost("127.0.0.1")
        .httpPort(0)
        .bootstrapPassword(ADMIN_PASSWORD)
        .clock(clock)
        .expiryInterval(Duration.ofMillis(50))
        // Tests stop servers all the time, and a drain gives each idle keep-alive connection a
        // second first; GracefulStopTest is where the drain is tested.
        .drainTimeout(Duration.ZERO);
  }

  static Path tempDir() {
    try {
      return Files.createTempDirectory("kpam-server-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One number from the server's database, read beside the server (what no API shows). */
  long queryLong(String sql) {
    try (Connection db = DriverManager.getConnection(server.config().effectiveDbUrl());
        Statement statement = db.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Creates a user and returns a client logged in as them. */
  Api user(String name, String role) {
    String password = name + "-password-123";
    admin
        .post("/api/v1/users", java.util.Map.of("name", name, "role", role, "password", password))
        .expect(201);
    return anonymous.login(name, password);
  }

  /**
   * Stops the server, as a replica dies, leaving its database to the others; close still drops it.
   */
  void stopServer() {
    server.close();
  }

  /**
   * This server stopped and started again on its database (SQLite: its data dir; PostgreSQL: its
   * schema, as another replica would), with the same clock; close the result first.
   */
  TestServer restarted(UnaryOperator<ServerConfig.Builder> customize) {
    stopServer();
    if (schema != null) {
      return replica(customize);
    }
    ServerConfig.Builder builder = settings(dataDir, null, clock).relayPort(0);
    return new TestServer(dataDir, clock, KpamServer.start(customize.apply(builder).build()), null);
  }

  @Override
  public void close() {
    server.close();
    if (schema != null) {
      schema.close();
    }
  }
}
