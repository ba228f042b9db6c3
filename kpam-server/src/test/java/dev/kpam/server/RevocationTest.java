package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.server.db.Database;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A session is bound to what authorised it: its user, the user's role or grant, the account by id,
 * the resource and its gateway. Taking any of these away ends the session at once, tells its
 * gateway, and says why and who.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class RevocationTest extends ServerTestBase {
  private Fixtures.Enrolled dc1;
  private Api alice;

  RevocationTest(Backend backend) {
    super(backend);
  }

  @BeforeEach
  void aMemberWithAGrant() {
    dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    alice = server.user("alice", "member");
    grant("alice");
  }

  @Test
  void disablingAUserTerminatesTheirSessionAndPushesTheReasonToTheGateway() throws Exception {
    String session = Fixtures.openSession(alice, "prod", "admin", "1h");
    try (PushStream push = new PushStream(server, dc1.api().token())) {
      push.awaitConnected();
      server.admin.patch("/api/v1/users/alice", Map.of("disabled", true)).expect(200);

      List<String> event = push.nextEvent(Duration.ofSeconds(5));
      assertThat(event).contains("event: session.terminated");
      assertThat(event)
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains(session)
                      .contains("access revoked: user alice disabled by admin"));
    }
    assertRevoked(session, "access revoked: user alice disabled by admin");
  }

  @Test
  void deletingAUserTerminatesTheirSession() {
    String session = Fixtures.openSession(alice, "prod", "admin", "1h");

    server.admin.delete("/api/v1/users/alice").expect(204);

    assertRevoked(session, "access revoked: user alice deleted by admin");
  }

  @Test
  void revokingAGrantEndsThatUsersSessionsOnTheAccountAndNoOneElses() {
    Api bob = server.user("bob", "member");
    grant("bob");
    String alices = Fixtures.openSession(alice, "prod", "admin", "1h");
    String bobs = Fixtures.openSession(bob, "prod", "admin", "1h");

    server.admin.delete("/api/v1/resources/prod/accounts/admin/grants/alice").expect(200);

    assertRevoked(alices, "access revoked: grant removed by admin");
    assertThat(session(bobs).get("status").asText()).isEqualTo("ACTIVE");
    lookup(bobs).expect(200);
  }

  @Test
  void anAdminKeepsTheirSessionWhenAGrantTheyDidNotNeedIsRevoked() {
    Api carol = server.user("carol", "admin");
    grant("carol");
    String session = Fixtures.openSession(carol, "prod", "admin", "1h");

    server.admin.delete("/api/v1/resources/prod/accounts/admin/grants/carol").expect(200);

    assertThat(session(session).get("status").asText()).isEqualTo("ACTIVE");
  }

  @Test
  void losingTheAdminRoleEndsTheSessionsThatNeededIt() {
    Fixtures.resourceWithAccountOn(server, "staging", "dc1");
    Api carol = server.user("carol", "admin");
    server
        .admin
        .post("/api/v1/resources/staging/accounts/admin/grants", Map.of("user", "carol"))
        .expect(200);
    String needsTheRole = Fixtures.openSession(carol, "prod", "admin", "1h");
    String granted = Fixtures.openSession(carol, "staging", "admin", "1h");

    server.admin.patch("/api/v1/users/carol", Map.of("role", "member")).expect(200);

    assertRevoked(needsTheRole, "access revoked: role of carol changed to member by admin");
    assertThat(session(granted).get("status").asText()).isEqualTo("ACTIVE");
  }

  @Test
  void aRecreatedAccountOfTheSameNameNeverServesAnOlderSession() {
    String session = Fixtures.openSession(alice, "prod", "admin", "1h");

    server.admin.delete("/api/v1/resources/prod/accounts/admin").expect(204);
    server
        .admin
        .post(
            "/api/v1/resources/prod/accounts",
            Map.of("name", "admin", "token", "a-new-token-alice-was-never-granted"))
        .expect(201);
    grant("alice");

    assertRevoked(session, "access revoked: account prod/admin deleted by admin");
    assertThat(lookup(session).body()).doesNotContain("a-new-token-alice-was-never-granted");
  }

  @Test
  void deletingAResourceEndsItsSessions() {
    String session = Fixtures.openSession(alice, "prod", "admin", "1h");

    server.admin.delete("/api/v1/resources/prod").expect(204);

    assertRevoked(session, "access revoked: resource prod deleted by admin");
  }

  @Test
  void movingAResourceToAnotherGatewayEndsItsSessionsOnTheOldOne() {
    Fixtures.enrolledGateway(server, "dc2");
    String session = Fixtures.openSession(alice, "prod", "admin", "1h");

    server.admin.patch("/api/v1/resources/prod", Map.of("gateway", "dc2")).expect(200);

    assertRevoked(session, "access revoked: resource prod moved to gateway dc2 by admin");
  }

  @Test
  void deletingAGatewayEndsTheSessionsStillOnIt() {
    // A gateway in use by resources cannot be deleted, and moving or deleting those resources ends
    // their sessions; what is left for the deletion is a session whose resource moved behind the
    // service's back (or in a race), still bound to the gateway by its id.
    Fixtures.enrolledGateway(server, "dc2");
    String session = Fixtures.openSession(alice, "prod", "admin", "1h");
    try (Database db = Database.open(server.server.config().effectiveDbUrl())) {
      db.jdbi()
          .useHandle(
              h ->
                  h.execute(
                      "UPDATE resources SET gateway_id = (SELECT id FROM gateways WHERE name ="
                          + " 'dc2') WHERE name = 'prod'"));
    }

    server.admin.delete("/api/v1/gateways/dc1").expect(204);

    JsonNode ended = session(session);
    assertThat(ended.get("status").asText()).isEqualTo("TERMINATED");
    assertThat(ended.get("endReason").asText())
        .isEqualTo("access revoked: gateway dc1 deleted by admin");
    assertThat(dc1.api().get("/api/v1/gateway/sessions/" + session).status()).isEqualTo(401);
  }

  @Test
  void rotatingTheAccountsTokenKeepsTheSessionAndTheNextLookupHasTheNewToken() {
    String session = Fixtures.openSession(alice, "prod", "admin", "1h");

    server
        .admin
        .patch("/api/v1/resources/prod/accounts/admin", Map.of("token", "rotated-sa-token-2"))
        .expect(200);

    assertThat(session(session).get("status").asText()).isEqualTo("ACTIVE");
    assertThat(lookup(session).expect(200).json().get("token").asText())
        .isEqualTo("rotated-sa-token-2");
  }

  @Test
  void aChangeMadeBehindTheServicesBackIsFoundByTheNextLookupAndAdmission() {
    String session = Fixtures.openSession(alice, "prod", "admin", "1h");
    lookup(session).expect(200);

    // As if the push were lost or the change raced the session's creation: only the data changed.
    try (Database db = Database.open(server.server.config().effectiveDbUrl())) {
      db.jdbi()
          .useHandle(
              h ->
                  h.execute(
                      "DELETE FROM account_grants WHERE account_id IN"
                          + " (SELECT id FROM accounts WHERE name = 'admin')"));
    }

    String message = lookup(session).expectError(410, "session_terminated").message();
    assertThat(message).contains("access revoked: no grant on prod/admin");
    JsonNode ended = session(session);
    assertThat(ended.get("status").asText()).isEqualTo("TERMINATED");
    assertThat(ended.get("endReason").asText()).isEqualTo("access revoked: no grant on prod/admin");
  }

  private void grant(String user) {
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", user))
        .expect(200);
  }

  private void assertRevoked(String sessionId, String reason) {
    JsonNode session = session(sessionId);
    assertThat(session.get("status").asText()).isEqualTo("TERMINATED");
    assertThat(session.get("endReason").asText()).isEqualTo(reason);
    assertThat(session.get("endedBy").asText()).isEqualTo("admin");
    assertThat(lookup(sessionId).expectError(410, "session_terminated").message()).contains(reason);
    JsonNode audit =
        server
            .admin
            .get("/api/v1/audit?action=session.revoke&target=session:" + sessionId)
            .json()
            .get("items");
    assertThat(audit).hasSize(1);
    assertThat(audit.get(0).get("actor").asText()).isEqualTo("admin");
    assertThat(audit.get(0).get("details").asText()).isEqualTo(reason);
  }

  private JsonNode session(String id) {
    return server.admin.get("/api/v1/sessions/" + id).expect(200).json();
  }

  private Api.Response lookup(String id) {
    return dc1.api().get("/api/v1/gateway/sessions/" + id);
  }
}
