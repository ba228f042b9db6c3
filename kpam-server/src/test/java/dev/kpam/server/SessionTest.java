package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.crypto.pki.KpamIdentity;
import dev.kpam.crypto.pki.Pem;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class SessionTest extends ServerTestBase {
  SessionTest(Backend backend) {
    super(backend);
  }

  @Test
  void aSessionCertificateNamesTheSessionAndGatewayAndExpiresWithTheSession() {
    Fixtures.Enrolled gateway = Fixtures.resourceWithAccount(server, "prod", "dc1");
    var created =
        server
            .admin
            .post(
                "/api/v1/sessions",
                Map.of(
                    "resource",
                    "prod",
                    "account",
                    "admin",
                    "duration",
                    "90m",
                    "reason",
                    "deploy",
                    "csr",
                    Fixtures.csr()))
            .expect(201)
            .json();
    var session = created.get("session");
    assertThat(session.get("status").asText()).isEqualTo("ACTIVE");
    assertThat(session.get("reason").asText()).isEqualTo("deploy");
    Instant expires = Instant.parse(session.get("expiresAt").asText());
    assertThat(expires).isEqualTo(server.clock.instant().plus(Duration.ofMinutes(90)));
    X509Certificate certificate = Pem.parseCertificate(created.get("certificate").asText());
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(expires);
    KpamIdentity identity = KpamIdentity.require(certificate);
    assertThat(identity.sessionId()).isEqualTo(session.get("id").asText());
    assertThat(identity.gatewayId())
        .isEqualTo(gateway.id())
        .isEqualTo(created.get("gatewayId").asText());
    assertThat(created.get("relayAddress").asText()).isEqualTo("localhost:18443");
  }

  @Test
  void aDurationBeyondTheAccountsMaximumIsRefused() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    String message =
        server
            .admin
            .post(
                "/api/v1/sessions",
                Map.of(
                    "resource",
                    "prod",
                    "account",
                    "admin",
                    "duration",
                    "3h",
                    "csr",
                    Fixtures.csr()))
            .expectError(400, "invalid_argument")
            .message();
    assertThat(message)
        .isEqualTo("duration: 3h (expected: between 1m and 2h, the account's maximum)");
    server
        .admin
        .post(
            "/api/v1/sessions",
            Map.of(
                "resource", "prod", "account", "admin", "duration", "soon", "csr", Fixtures.csr()))
        .expectError(400, "invalid_argument");
  }

  @Test
  void anUnknownResourceOrAccountListsWhatTheUserMayAccess() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    String message =
        server
            .admin
            .post(
                "/api/v1/sessions",
                Map.of("resource", "prd", "account", "admin", "csr", Fixtures.csr()))
            .expectError(404, "not_found")
            .message();
    assertThat(message)
        .isEqualTo(
            "no account 'admin' on resource 'prd' that you may use; you may access: prod/admin");
  }

  @Test
  void sessionsExpireOnTimeWithoutAnyoneCalling() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "30m");
    server.clock.advance(Duration.ofMinutes(29));
    assertThat(server.admin.get("/api/v1/sessions/" + id).json().get("status").asText())
        .isEqualTo("ACTIVE");
    server.clock.advance(Duration.ofMinutes(1));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                server
                    .admin
                    .get("/api/v1/sessions/" + id)
                    .json()
                    .get("status")
                    .asText()
                    .equals("EXPIRED"));
    var session = server.admin.get("/api/v1/sessions/" + id).json();
    assertThat(session.get("endedAt").asText()).isEqualTo(session.get("expiresAt").asText());
    assertThat(session.get("endReason").asText()).isEqualTo("the session's time ran out");
  }

  @Test
  void theOwnerEndsTheirSessionOnceAndOnlyAdminsTerminate() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    Api bob = server.user("bob", "member");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "bob"))
        .expect(200);
    String first = Fixtures.openSession(bob, "prod", "admin", "1h");
    var ended = bob.post("/api/v1/sessions/" + first + "/end", null).expect(200).json();
    assertThat(ended.get("status").asText()).isEqualTo("ENDED");
    assertThat(ended.get("endedBy").asText()).isEqualTo("bob");
    bob.post("/api/v1/sessions/" + first + "/end", null).expectError(409, "conflict");

    String second = Fixtures.openSession(bob, "prod", "admin", "1h");
    bob.post("/api/v1/sessions/" + second + "/terminate", Map.of("reason", "mine"))
        .expectError(403, "forbidden");
    var terminated =
        server
            .admin
            .post("/api/v1/sessions/" + second + "/terminate", Map.of("reason", "incident 42"))
            .expect(200)
            .json();
    assertThat(terminated.get("status").asText()).isEqualTo("TERMINATED");
    assertThat(terminated.get("endReason").asText()).isEqualTo("incident 42");
  }

  @Test
  void listsFilterByUserResourceStatusAndTime() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    Fixtures.resourceWithAccount(server, "dev", "dc2");
    Instant start = server.clock.instant();
    String a = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    server.clock.advance(Duration.ofMinutes(5));
    String b = Fixtures.openSession(server.admin, "dev", "admin", "1h");
    server.admin.post("/api/v1/sessions/" + a + "/end", null).expect(200);
    assertThat(ids("/api/v1/sessions")).containsExactly(b, a);
    assertThat(ids("/api/v1/sessions?resource=prod")).containsExactly(a);
    assertThat(ids("/api/v1/sessions?status=active")).containsExactly(b);
    assertThat(ids("/api/v1/sessions?status=ENDED&user=admin")).containsExactly(a);
    assertThat(ids("/api/v1/sessions?since=" + start.plusSeconds(60))).containsExactly(b);
    assertThat(ids("/api/v1/sessions?until=" + start.plusSeconds(60))).containsExactly(a);
    server.admin.get("/api/v1/sessions?since=yesterday").expectError(400, "invalid_argument");
    server.admin.get("/api/v1/sessions?status=DONE").expectError(400, "invalid_argument");
  }

  private List<String> ids(String path) {
    List<String> ids = new java.util.ArrayList<>();
    server
        .admin
        .get(path)
        .expect(200)
        .json()
        .get("items")
        .forEach(s -> ids.add(s.get("id").asText()));
    return ids;
  }

  @Test
  void theSessionsOwnGatewayGetsTheDecryptedTokenAndNoOtherGatewayDoes() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    Fixtures.Enrolled dc2 = Fixtures.enrolledGateway(server, "dc2");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    var lookup = dc1.api().get("/api/v1/gateway/sessions/" + id).expect(200).json();
    assertThat(lookup.get("token").asText()).isEqualTo(Fixtures.SA_TOKEN);
    assertThat(lookup.get("url").asText()).isEqualTo("https://127.0.0.1:6443");
    assertThat(lookup.get("user").asText()).isEqualTo("admin");
    assertThat(server.admin.get("/api/v1/sessions/" + id).json().get("firstSeenAt").isNull())
        .isFalse();

    assertThat(dc2.api().get("/api/v1/gateway/sessions/" + id).expectError(403, "forbidden").body())
        .doesNotContain(Fixtures.SA_TOKEN);
    server.admin.get("/api/v1/gateway/sessions/" + id).expectError(401, "unauthenticated");
  }

  @Test
  void theLookupRefusesEndedTerminatedAndExpiredSessions() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String ended = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    String terminated = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    String expired = Fixtures.openSession(server.admin, "prod", "admin", "10m");
    server.admin.post("/api/v1/sessions/" + ended + "/end", null).expect(200);
    server
        .admin
        .post("/api/v1/sessions/" + terminated + "/terminate", Map.of("reason", "incident"))
        .expect(200);
    dc1.api().get("/api/v1/gateway/sessions/" + ended).expectError(410, "session_ended");
    assertThat(
            dc1.api()
                .get("/api/v1/gateway/sessions/" + terminated)
                .expectError(410, "session_terminated")
                .message())
        .contains("incident");
    server.clock.advance(Duration.ofMinutes(10));
    // The lookup itself notices the expiry; it does not wait for the expiry sweep.
    dc1.api().get("/api/v1/gateway/sessions/" + expired).expectError(410, "session_expired");
    dc1.api().get("/api/v1/gateway/sessions/no-such-session").expectError(404, "not_found");
  }

  @Test
  void theRelayGatePassesOnlyActiveUnexpiredSessionsOfTheirOwnGateway() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    Fixtures.Enrolled dc2 = Fixtures.enrolledGateway(server, "dc2");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "10m");
    assertThat(server.server.sessionRefusal(id, dc1.id())).isEmpty();
    assertThat(server.server.sessionRefusal(id, dc2.id()))
        .get()
        .asString()
        .contains("not served by this gateway");
    assertThat(server.server.sessionRefusal("nope", dc1.id()))
        .get()
        .asString()
        .contains("does not exist");
    server.clock.advance(Duration.ofMinutes(10));
    assertThat(server.server.sessionRefusal(id, dc1.id())).get().asString().contains("expired");
    String other = Fixtures.openSession(server.admin, "prod", "admin", "10m");
    server
        .admin
        .post("/api/v1/sessions/" + other + "/terminate", Map.of("reason", "incident 9"))
        .expect(200);
    assertThat(server.server.sessionRefusal(other, dc1.id()))
        .get()
        .asString()
        .contains("terminated: incident 9");
  }

  @Test
  void eventUploadsAreIdempotentBySequenceNumber() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    String path = "/api/v1/gateway/sessions/" + id + "/events";
    Instant now = server.clock.instant();
    var first =
        dc1.api()
            .post(path, Map.of("events", List.of(event(1, now), event(2, now), event(4, now))))
            .expect(200)
            .json();
    assertThat(first.get("accepted").asInt()).isEqualTo(3);
    assertThat(first.get("contiguousThrough").asLong()).isEqualTo(2);
    var again =
        dc1.api()
            .post(path, Map.of("events", List.of(event(2, now), event(3, now), event(4, now))))
            .expect(200)
            .json();
    assertThat(again.get("accepted").asInt()).isEqualTo(1);
    assertThat(again.get("duplicates").asInt()).isEqualTo(2);
    assertThat(again.get("contiguousThrough").asLong()).isEqualTo(4);
    dc1.api()
        .post(path, Map.of("events", List.of(event(0, now))))
        .expectError(400, "invalid_argument");
    Fixtures.Enrolled dc2 = Fixtures.enrolledGateway(server, "dc2");
    dc2.api().post(path, Map.of("events", List.of(event(5, now)))).expectError(403, "forbidden");
  }

  @Test
  void theAcknowledgedWatermarkWaitsForAGapAndThenMovesPastAllThatFollowed() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    String path = "/api/v1/gateway/sessions/" + id + "/events";
    Instant now = server.clock.instant();
    List<Map<String, Object>> afterTheGap = new ArrayList<>();
    for (long seq = 2; seq <= 1001; seq++) {
      afterTheGap.add(event(seq, now));
    }
    var held = dc1.api().post(path, Map.of("events", afterTheGap)).expect(200).json();
    assertThat(held.get("accepted").asInt()).isEqualTo(1000);
    assertThat(held.get("contiguousThrough").asLong()).isZero();
    var filled = dc1.api().post(path, Map.of("events", List.of(event(1, now)))).expect(200).json();
    assertThat(filled.get("contiguousThrough").asLong()).isEqualTo(1001);
    var ahead =
        dc1.api().post(path, Map.of("events", List.of(event(1003, now)))).expect(200).json();
    assertThat(ahead.get("contiguousThrough").asLong()).isEqualTo(1001);
    var caughtUp =
        dc1.api().post(path, Map.of("events", List.of(event(1002, now)))).expect(200).json();
    assertThat(caughtUp.get("contiguousThrough").asLong()).isEqualTo(1003);
    var none = dc1.api().post(path, Map.of("events", List.of())).expect(200).json();
    assertThat(none.get("contiguousThrough").asLong()).isEqualTo(1003);
  }

  private static Map<String, Object> event(long seq, Instant time) {
    return Map.of(
        "seq", seq, "time", time.toString(), "type", "request", "data", Map.of("verb", "get"));
  }

  @Test
  void aTerminationReachesTheGatewaysPushStreamAndOnlyThatGateway() throws Exception {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    Fixtures.Enrolled dc2 = Fixtures.enrolledGateway(server, "dc2");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    try (PushStream mine = new PushStream(server, dc1.api().token());
        PushStream other = new PushStream(server, dc2.api().token())) {
      mine.awaitConnected();
      other.awaitConnected();
      server
          .admin
          .post("/api/v1/sessions/" + id + "/terminate", Map.of("reason", "incident 7"))
          .expect(200);
      List<String> event = mine.nextEvent(Duration.ofSeconds(5));
      assertThat(event).contains("event: session.terminated");
      assertThat(event)
          .anySatisfy(
              line -> assertThat(line).startsWith("data: ").contains(id).contains("incident 7"));
      assertThat(event).anySatisfy(line -> assertThat(line).startsWith("id: "));
      assertThat(other.lines).noneMatch(line -> line.contains(id));
    }
  }

  @Test
  void aSessionAskedForWithoutADurationLastsTheAccountsMaximumWhenThatIsBelowTheDefault() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    server
        .admin
        .patch("/api/v1/resources/prod/accounts/admin", Map.of("maxSessionDuration", "20m"))
        .expect(200);
    var session =
        server
            .admin
            .post(
                "/api/v1/sessions",
                Map.of("resource", "prod", "account", "admin", "csr", Fixtures.csr()))
            .expect(201)
            .json()
            .get("session");
    assertThat(Instant.parse(session.get("expiresAt").asText()))
        .isEqualTo(server.clock.instant().plus(Duration.ofMinutes(20)));
  }

  @Test
  void thePushStreamRefusesABadCredentialWithJson() {
    server
        .anonymous
        .withToken("kpgw_wrong")
        .get("/api/v1/gateway/events")
        .expectError(401, "unauthenticated");
  }
}
