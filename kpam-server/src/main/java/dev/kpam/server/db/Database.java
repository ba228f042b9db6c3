package dev.kpam.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.kpam.crypto.secrets.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;

/**
 * The server's database: a HikariCP pool, Flyway migrations run on open, and JDBI on top. SQLite
 * (the embedded default, one file in the data dir, WAL mode) or PostgreSQL (production, several
 * server replicas may share it).
 *
 * <pre>{@code
 * try (Database db = Database.open("jdbc:sqlite:/var/lib/kpam/kpam.db")) {
 *   db.jdbi().useHandle(h -> h.execute("SELECT 1"));
 * }
 * }</pre>
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Kind kind;

  /** Which SQL dialect the URL speaks; chooses the migrations. */
  public enum Kind {
    SQLITE("INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB"),
    POSTGRESQL("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "BYTEA");

    /** The two types the dialects spell differently; the migrations name them as placeholders. */
    private final Map<String, String> placeholders;

    Kind(String autoId, String bytes) {
      this.placeholders = Map.of("auto_id", autoId, "bytes", bytes);
    }

    static Kind of(String jdbcUrl) {
      if (jdbcUrl.startsWith("jdbc:sqlite:")) {
        return SQLITE;
      }
      if (jdbcUrl.startsWith("jdbc:postgresql:")) {
        return POSTGRESQL;
      }
      throw new IllegalArgumentException(
          "db-url: "
              + jdbcUrl.replaceAll("password=[^&]*", "password=…")
              + " (expected: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB)");
    }
  }

  private Database(HikariDataSource dataSource, Kind kind) {
    this.dataSource = dataSource;
    this.kind = kind;
    this.jdbi = Jdbi.create(dataSource);
    // Filters bind every parameter and mention only those that are set.
    jdbi.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
  }

  /** Opens the pool and migrates the schema to the newest version. */
  public static Database open(String jdbcUrl) {
    Kind kind = Kind.of(jdbcUrl);
    Optional<Path> sqliteFile = kind == Kind.SQLITE ? sqliteFile(jdbcUrl) : Optional.empty();
    // SQLite gives its -wal, -shm and -journal files the mode of the database file: create that
    // one 0600 before the driver does (it would use 0644), so no file of the database is readable
    // by others even for a moment.
    sqliteFile.ifPresent(file -> secure(file, false));
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName("kpam-db");
    config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
    if (kind == Kind.SQLITE) {
      // One writer at a time: IMMEDIATE transactions take the write lock up front and wait
      // for it (busy_timeout) instead of failing when a reader upgrades.
      config.addDataSourceProperty("journal_mode", "WAL");
      config.addDataSourceProperty("synchronous", "NORMAL");
      config.addDataSourceProperty("busy_timeout", "10000");
      config.addDataSourceProperty("foreign_keys", "true");
      config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
      config.setMaximumPoolSize(4);
    } else {
      config.setMaximumPoolSize(10);
    }
    HikariDataSource dataSource = new HikariDataSource(config);
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration/common")
          .placeholders(kind.placeholders)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    sqliteFile.ifPresent(file -> secure(file, true));
    return new Database(dataSource, kind);
  }

  /** The database file of an SQLite URL, or empty for an in-memory database. */
  static Optional<Path> sqliteFile(String jdbcUrl) {
    String rest = jdbcUrl.substring("jdbc:sqlite:".length());
    int query = rest.indexOf('?');
    String path = query < 0 ? rest : rest.substring(0, query);
    if (path.startsWith("file:")) {
      path = path.substring("file:".length());
    }
    if (path.isEmpty() || path.equals(":memory:") || path.contains("mode=memory")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(path));
  }

  /** The database file 0600 (created if missing, unless {@code opened}) and its side files too. */
  private static void secure(Path file, boolean opened) {
    try {
      if (!opened) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
          PrivateFiles.directory(parent);
        }
        PrivateFiles.createIfMissing(file);
      }
      for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
        PrivateFiles.restrict(file.resolveSibling(file.getFileName() + suffix));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the database " + file + " private: " + e, e);
    }
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
