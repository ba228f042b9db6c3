package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kpam.crypto.pki.Pem;
import dev.kpam.testing.TestClock;
import dev.kpam.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Migrations from empty, and what survives a restart. */
@ParameterizedClass
@EnumSource(Backend.class)
class PersistenceTest {
  private final Backend backend;
  @TempDir Path dataDir;

  PersistenceTest(Backend backend) {
    this.backend = backend;
  }

  private ServerConfig config(String dbUrl) {
    return ServerConfig.builder()
        .dataDir(dataDir)
        .dbUrl(dbUrl)
        .bindHost("127.0.0.1")
        .httpPort(0)
        .bootstrapPassword(TestServer.ADMIN_PASSWORD)
        .clock(TestClock.startingNow())
        .build();
  }

  @Test
  void migrationsCreateTheWholeSchemaFromEmptyAndARestartKeepsEverything() throws Exception {
    TestPostgres.Schema schema = backend == Backend.POSTGRESQL ? TestPostgres.freshSchema() : null;
    try {
      ServerConfig config = config(schema == null ? null : schema.jdbcUrl());
      String caBefore;
      try (KpamServer first = KpamServer.start(config)) {
        caBefore = Pem.encodeCertificate(first.certificateAuthority().certificate());
        Api admin = new Api(first.url()).login("admin", TestServer.ADMIN_PASSWORD);
        admin.post("/api/v1/gateways", Map.of("name", "dc1")).expect(201);
        admin
            .post(
                "/api/v1/resources",
                Map.of("name", "prod", "url", "https://10.0.0.1:6443", "gateway", "dc1"))
            .expect(201);
        admin
            .post(
                "/api/v1/resources/prod/accounts",
                Map.of("name", "admin", "token", Fixtures.SA_TOKEN))
            .expect(201);
        assertThat(first.generatedAdminPassword()).isEmpty();
      }
      assertThat(tables(config.effectiveDbUrl()))
          .contains(
              "users",
              "api_tokens",
              "login_throttle",
              "data_keys",
              "certificate_authorities",
              "gateways",
              "enrollment_tokens",
              "resources",
              "accounts",
              "account_grants",
              "sessions",
              "session_events",
              "gateway_events",
              "audit_events",
              "flyway_schema_history");

      try (KpamServer second = KpamServer.start(config)) {
        assertThat(Pem.encodeCertificate(second.certificateAuthority().certificate()))
            .isEqualTo(caBefore);
        Api admin = new Api(second.url()).login("admin", TestServer.ADMIN_PASSWORD);
        assertThat(admin.get("/api/v1/accounts").expect(200).json().get("items")).hasSize(1);
        // The sealed token still opens: same root key, same data key.
        String session = Fixtures.openSession(admin, "prod", "admin", "1h");
        assertThat(session).isNotBlank();
      }
    } finally {
      if (schema != null) schema.close();
    }
  }

  @Test
  void theGeneratedRootKeyFileIsReadableOnlyByItsOwnerAndAWiderOneIsRefused() throws Exception {
    if (backend == Backend.POSTGRESQL) {
      return; // the root key file does not depend on the database
    }
    try (KpamServer server = KpamServer.start(config(null))) {
      assertThat(server.url()).isNotNull();
    }
    Path rootKey = dataDir.resolve("root.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rootKey)))
        .isEqualTo("rw-------");
    Files.setPosixFilePermissions(rootKey, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> KpamServer.start(config(null))).hasMessageContaining("chmod 600");
  }

  @Test
  void theDataDirRootKeyAndDatabaseFilesAreReadableOnlyByTheServersUserAfterStart()
      throws Exception {
    TestPostgres.Schema schema = backend == Backend.POSTGRESQL ? TestPostgres.freshSchema() : null;
    Path dir = dataDir.resolve("server");
    try {
      ServerConfig config =
          ServerConfig.builder()
              .dataDir(dir)
              .dbUrl(schema == null ? null : schema.jdbcUrl())
              .bindHost("127.0.0.1")
              .httpPort(0)
              .bootstrapPassword(TestServer.ADMIN_PASSWORD)
              .build();
      try (KpamServer server = KpamServer.start(config)) {
        new Api(server.url()).login("admin", TestServer.ADMIN_PASSWORD);
        assertPrivate(dir);
      }
      // An older version left them readable by others: the next start tightens them.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      if (schema == null) {
        Files.setPosixFilePermissions(
            dir.resolve("kpam.db"), PosixFilePermissions.fromString("rw-r--r--"));
      }
      try (KpamServer server = KpamServer.start(config)) {
        new Api(server.url()).login("admin", TestServer.ADMIN_PASSWORD);
        assertPrivate(dir);
      }
    } finally {
      if (schema != null) schema.close();
    }
  }

  private void assertPrivate(Path dir) throws Exception {
    assertThat(mode(dir)).isEqualTo("rwx------");
    List<String> files = new ArrayList<>();
    try (var listing = Files.list(dir)) {
      listing.forEach(file -> files.add(file.getFileName().toString()));
    }
    if (backend == Backend.SQLITE) {
      // WAL mode: the -wal and -shm files exist while the database is open.
      assertThat(files).contains("root.key", "kpam.db", "kpam.db-wal", "kpam.db-shm");
    } else {
      assertThat(files).containsExactly("root.key");
    }
    for (String file : files) {
      assertThat(mode(dir.resolve(file))).as(file).isEqualTo("rw-------");
    }
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void aFirstStartWithoutABootstrapPasswordGeneratesOneThatWorks() throws Exception {
    TestPostgres.Schema schema = backend == Backend.POSTGRESQL ? TestPostgres.freshSchema() : null;
    try {
      ServerConfig config =
          ServerConfig.builder()
              .dataDir(dataDir)
              .dbUrl(schema == null ? null : schema.jdbcUrl())
              .bindHost("127.0.0.1")
              .httpPort(0)
              .build();
      try (KpamServer server = KpamServer.start(config)) {
        String password = server.generatedAdminPassword().orElseThrow();
        assertThat(password).hasSizeGreaterThanOrEqualTo(20);
        new Api(server.url()).login("admin", password);
      }
      try (KpamServer again = KpamServer.start(config)) {
        assertThat(again.generatedAdminPassword()).isEmpty();
      }
    } finally {
      if (schema != null) schema.close();
    }
  }

  private static List<String> tables(String url) throws Exception {
    List<String> tables = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(url)) {
      String schema = connection.getSchema();
      try (ResultSet rs =
          connection.getMetaData().getTables(null, schema, "%", new String[] {"TABLE"})) {
        while (rs.next()) tables.add(rs.getString("TABLE_NAME"));
      }
    }
    return tables;
  }
}
