package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What a test server's database holds, as text, to check that no secret is stored in the clear. */
final class StoredText {
  private StoredText() {}

  /**
   * Everything the database holds, as text: the raw SQLite files (the server is stopped first), or
   * every PostgreSQL row.
   */
  static List<String> of(TestServer server) throws IOException, SQLException {
    List<String> text = new ArrayList<>();
    String url = server.server.config().effectiveDbUrl();
    if (url.startsWith("jdbc:sqlite:")) {
      server.server.close();
      try (Stream<Path> files = Files.list(server.dataDir)) {
        for (Path file :
            files.filter(f -> f.getFileName().toString().startsWith("kpam.db")).toList()) {
          text.add(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        }
      }
      assertThat(text).isNotEmpty();
      return text;
    }
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          statement.executeQuery(
              "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")) {
        while (rs.next()) tables.add(rs.getString(1));
      }
      assertThat(tables).contains("accounts", "audit_events");
      for (String table : tables) {
        try (ResultSet rs = statement.executeQuery("SELECT t::text FROM " + table + " t")) {
          while (rs.next()) text.add(rs.getString(1));
        }
      }
    }
    return text;
  }
}
