package dev.kpam.server.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kpam.crypto.passwords.PasswordHasher;
import dev.kpam.protocol.users.CreateUserRequest;
import dev.kpam.protocol.users.UpdateUserRequest;
import dev.kpam.server.Backend;
import dev.kpam.server.Ids;
import dev.kpam.server.KpamServer;
import dev.kpam.server.audit.AuditLog;
import dev.kpam.server.audit.AuditLog.Actor;
import dev.kpam.server.db.Database;
import dev.kpam.server.gateways.GatewayEvents;
import dev.kpam.server.http.ApiException;
import dev.kpam.server.notify.Notifications;
import dev.kpam.server.notify.WebhookSettings;
import dev.kpam.server.revocation.Revocations;
import dev.kpam.server.revocation.SessionEnds;
import dev.kpam.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the REST API cannot reach on its own: an admin can only act while enabled, so the last
 * enabled admin is always the caller, whom the self-check refuses first. Here the system deletes.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class UsersTest {
  private final Backend backend;
  @TempDir Path dir;
  private TestPostgres.Schema schema;
  private Database db;
  private GatewayEvents events;
  private Users users;

  UsersTest(Backend backend) {
    this.backend = backend;
  }

  @BeforeEach
  void openTheDatabase() {
    schema = backend == Backend.POSTGRESQL ? TestPostgres.freshSchema() : null;
    db = Database.open(schema == null ? "jdbc:sqlite:" + dir.resolve("kpam.db") : schema.jdbcUrl());
    Clock clock = Clock.systemUTC();
    AuditLog audit = new AuditLog(db, clock);
    events = new GatewayEvents(db, clock, KpamServer.objectMapper());
    Revocations revocations =
        new Revocations(
            new SessionEnds(
                events,
                audit,
                new Notifications(db, WebhookSettings.NONE, clock, KpamServer.objectMapper()),
                clock));
    users = new Users(db, PasswordHasher.defaults(), clock, Ids.random(), audit, revocations);
  }

  @AfterEach
  void closeTheDatabase() {
    events.close();
    db.close();
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  void theLastEnabledAdminCannotBeDeleted() {
    users.create(new CreateUserRequest("root", "admin", "root-password-123"), Actor.SYSTEM);
    users.create(new CreateUserRequest("old", "admin", "old-password-1234"), Actor.SYSTEM);
    users.update("old", new UpdateUserRequest(null, true, null), Actor.SYSTEM);

    assertThatThrownBy(() -> users.delete("root", Actor.SYSTEM))
        .isInstanceOf(ApiException.class)
        .hasMessage("user 'root' is the last enabled admin; make another user admin first");
    users.delete("old", Actor.SYSTEM);
    assertThat(users.list()).extracting(u -> u.name()).containsExactly("root");
  }
}
