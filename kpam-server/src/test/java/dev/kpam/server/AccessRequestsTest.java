package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Access requests at the server: an account that requires approval opens no session without an
 * approved request; nobody approves their own; the approvers and the count are enforced; a denial
 * of an approved request ends its sessions; requests expire; break-glass is immediate, bounded and
 * marked.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class AccessRequestsTest extends ServerTestBase {
  private Api bob;
  private Api carol;
  private Api dave;

  AccessRequestsTest(Backend backend) {
    super(backend);
  }

  @BeforeEach
  void accountThatRequiresApproval() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    bob = server.user("bob", "member");
    carol = server.user("carol", "member");
    dave = server.user("dave", "member");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "bob"))
        .expect(200);
    access(Map.of("requiresApproval", true, "approvers", List.of("carol", "dave")));
  }

  private JsonNode access(Map<String, Object> rules) {
    return server
        .admin
        .patch("/api/v1/resources/prod/accounts/admin", Map.of("access", rules))
        .expect(200)
        .json()
        .get("access");
  }

  private String request(Api who, String duration) {
    return who.post(
            "/api/v1/requests",
            Map.of(
                "resource",
                "prod",
                "account",
                "admin",
                "duration",
                duration,
                "reason",
                "incident 42"))
        .expect(201)
        .json()
        .get("id")
        .asText();
  }

  private Api.Response session(Api who, Map<String, Object> extra) {
    Map<String, Object> body = new java.util.HashMap<>();
    body.put("resource", "prod");
    body.put("account", "admin");
    body.put("csr", Fixtures.csr());
    body.putAll(extra);
    return who.post("/api/v1/sessions", body);
  }

  @Test
  void theRulesAreShownCompleteAndValidatedNamingTheField() {
    JsonNode rules = server.admin.get("/api/v1/resources/prod/accounts/admin").expect(200).json();
    assertThat(rules.get("access").get("approvers").toString()).isEqualTo("[\"carol\",\"dave\"]");
    assertThat(rules.get("access").get("approvalsNeeded").asInt()).isEqualTo(1);
    assertThat(rules.get("access").get("requestTimeout").asText()).isEqualTo("24h");
    assertThat(rules.get("access").get("breakGlass").asBoolean()).isFalse();

    assertThat(
            server
                .admin
                .patch(
                    "/api/v1/resources/prod/accounts/admin",
                    Map.of("access", Map.of("approvers", List.of("nobody"))))
                .expectError(400, "invalid_argument")
                .message())
        .isEqualTo(
            "access.approvers: 'nobody' (expected: names of existing users, or group:NAME for an identity provider group)");
    assertThat(
            server
                .admin
                .patch(
                    "/api/v1/resources/prod/accounts/admin",
                    Map.of("access", Map.of("approvalsNeeded", 3)))
                .expectError(400, "invalid_argument")
                .message())
        .isEqualTo("access.approvalsNeeded: 3 (expected: at most the number of approvers (2))");
    assertThat(
            server
                .admin
                .patch(
                    "/api/v1/resources/prod/accounts/admin",
                    Map.of("access", Map.of("breakGlassMaxDuration", "48h")))
                .expectError(400, "invalid_argument")
                .message())
        .startsWith("access.breakGlassMaxDuration: 48h (expected: between 1m and 24h");
  }

  @Test
  void withoutAnApprovedRequestTheSessionIsRefusedWithHowToAsk() {
    assertThat(session(bob, Map.of()).expectError(403, "approval_required").message())
        .isEqualTo(
            "account prod/admin requires approval by carol, dave: ask with kpam requests create"
                + " --resource prod --account admin --reason TEXT");
    String id = request(bob, "1h");
    assertThat(session(bob, Map.of()).expectError(403, "approval_required").message())
        .isEqualTo(
            "account prod/admin requires approval by carol, dave: your request "
                + id
                + " is waiting for approval by carol, dave");
    assertThat(session(bob, Map.of("request", id)).expectError(403, "forbidden").message())
        .isEqualTo("request " + id + " is waiting for approval by carol, dave");
    // Admins are no exception: the approvers decide.
    session(server.admin, Map.of()).expectError(403, "approval_required");
  }

  @Test
  void nobodyApprovesTheirOwnRequestAndOnlyTheApproversDecide() {
    Api admin = server.admin;
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "carol"))
        .expect(200);
    String own = request(carol, "1h");
    assertThat(
            carol
                .post("/api/v1/requests/" + own + "/approve", Map.of())
                .expectError(403, "forbidden")
                .message())
        .isEqualTo("nobody approves or denies their own request");

    String id = request(bob, "1h");
    assertThat(
            admin
                .post("/api/v1/requests/" + id + "/approve", Map.of())
                .expectError(403, "forbidden")
                .message())
        .isEqualTo("only carol, dave may approve requests for admin");
    assertThat(bob.get("/api/v1/requests?mine=true").expect(200).json().get("items").size())
        .isEqualTo(1);
    // The approvers see what they may decide; others see nothing of it.
    assertThat(dave.get("/api/v1/requests?status=pending").expect(200).json().get("items").size())
        .isEqualTo(2);
    server.user("eve", "member").get("/api/v1/requests/" + id).expect(404);

    JsonNode approved =
        dave.post("/api/v1/requests/" + id + "/approve", Map.of("comment", "ok"))
            .expect(200)
            .json();
    assertThat(approved.get("status").asText()).isEqualTo("APPROVED");
    assertThat(approved.get("decidedBy").asText()).isEqualTo("dave");
    assertThat(approved.get("reviews").get(0).get("comment").asText()).isEqualTo("ok");
    assertThat(Instant.parse(approved.get("accessUntil").asText()))
        .isEqualTo(Instant.parse(approved.get("approvedAt").asText()).plus(Duration.ofHours(1)));
    assertThat(
            dave.post("/api/v1/requests/" + id + "/approve", Map.of())
                .expectError(409, "conflict")
                .message())
        .isEqualTo("request " + id + " is already APPROVED");
  }

  @Test
  void enoughApprovalsOpenTheWindowAndTheSessionLastsWhatIsLeftOfIt() {
    access(Map.of("approvalsNeeded", 2));
    String id = request(bob, "30m");
    JsonNode first = carol.post("/api/v1/requests/" + id + "/approve", null).expect(200).json();
    assertThat(first.get("status").asText()).isEqualTo("PENDING");
    assertThat(
            carol
                .post("/api/v1/requests/" + id + "/approve", null)
                .expectError(409, "conflict")
                .message())
        .isEqualTo("you already approved request " + id);
    dave.post("/api/v1/requests/" + id + "/approve", null).expect(200);
    server.clock.advance(Duration.ofMinutes(10));

    JsonNode created = session(bob, Map.of()).expect(201).json().get("session");
    assertThat(created.get("requestId").asText()).isEqualTo(id);
    assertThat(
            Duration.between(
                Instant.parse(created.get("createdAt").asText()),
                Instant.parse(created.get("expiresAt").asText())))
        .isEqualTo(Duration.ofMinutes(20));
    assertThat(
            session(bob, Map.of("duration", "1h")).expectError(400, "invalid_argument").message())
        .isEqualTo(
            "duration: 1h (expected: between 1m and 20m, what is left of request " + id + ")");
  }

  @Test
  void denyingAnApprovedRequestEndsItsSessionsAndTheNextSessionIsRefused() {
    String id = request(bob, "1h");
    carol.post("/api/v1/requests/" + id + "/approve", null).expect(200);
    String session =
        session(bob, Map.of("request", id)).expect(201).json().get("session").get("id").asText();

    JsonNode denied =
        dave.post("/api/v1/requests/" + id + "/deny", Map.of("comment", "not during the freeze"))
            .expect(200)
            .json();
    assertThat(denied.get("status").asText()).isEqualTo("DENIED");
    JsonNode ended = bob.get("/api/v1/sessions/" + session).expect(200).json();
    assertThat(ended.get("status").asText()).isEqualTo("TERMINATED");
    assertThat(ended.get("endReason").asText())
        .isEqualTo("access revoked: request " + id + " denied by dave");
    assertThat(session(bob, Map.of("request", id)).expectError(403, "forbidden").message())
        .isEqualTo("request " + id + " was denied by dave: not during the freeze");
  }

  @Test
  void theRequesterCancelsAndAnAdminMayAlwaysDeny() {
    String id = request(bob, "1h");
    assertThat(
            carol
                .post("/api/v1/requests/" + id + "/cancel", null)
                .expectError(403, "forbidden")
                .message())
        .isEqualTo("only bob may cancel request " + id + " (approvers deny it)");
    assertThat(
            bob.post("/api/v1/requests/" + id + "/cancel", null)
                .expect(200)
                .json()
                .get("status")
                .asText())
        .isEqualTo("CANCELLED");

    String second = request(bob, "1h");
    JsonNode denied =
        server
            .admin
            .post("/api/v1/requests/" + second + "/deny", Map.of("comment", "no"))
            .expect(200)
            .json();
    assertThat(denied.get("status").asText()).isEqualTo("DENIED");
    assertThat(denied.get("comment").asText()).isEqualTo("no");
  }

  @Test
  void aRequestWithoutDecisionExpiresAndAnApprovedOneWhenItsWindowCloses() {
    access(Map.of("requestTimeout", "10m"));
    String pending = request(bob, "1h");
    server.clock.advance(Duration.ofMinutes(11));
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                bob.get("/api/v1/requests/" + pending)
                    .expect(200)
                    .json()
                    .get("status")
                    .asText()
                    .equals("EXPIRED"));
    assertThat(bob.get("/api/v1/requests/" + pending).json().get("comment").asText())
        .isEqualTo("no decision within 10m");

    String approved = request(bob, "5m");
    carol.post("/api/v1/requests/" + approved + "/approve", null).expect(200);
    String session = session(bob, Map.of()).expect(201).json().get("session").get("id").asText();
    server.clock.advance(Duration.ofMinutes(6));
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                bob.get("/api/v1/requests/" + approved)
                    .json()
                    .get("status")
                    .asText()
                    .equals("EXPIRED"));
    assertThat(bob.get("/api/v1/sessions/" + session).json().get("status").asText())
        .isEqualTo("EXPIRED");
    session(bob, Map.of()).expectError(403, "approval_required");
  }

  @Test
  void aRequestThatNobodyCouldApproveIsRefusedAtOnce() {
    access(Map.of("approvers", List.of("bob")));
    assertThat(
            bob.post(
                    "/api/v1/requests",
                    Map.of("resource", "prod", "account", "admin", "reason", "x"))
                .expectError(409, "conflict")
                .message())
        .isEqualTo(
            "a request for prod/admin cannot be approved: it needs 1 approval(s) by bob other"
                + " than you, and there are 0");
    assertThat(
            bob.post("/api/v1/requests", Map.of("resource", "prod", "account", "admin"))
                .expectError(400, "invalid_argument")
                .message())
        .startsWith("reason: missing");
  }

  @Test
  void breakGlassOpensAtOnceWithAReasonForAShortTimeAndIsMarked() {
    assertThat(
            session(bob, Map.of("breakGlass", true, "reason", "outage"))
                .expectError(403, "forbidden")
                .message())
        .isEqualTo("account prod/admin does not allow break-glass access");
    access(Map.of("breakGlass", true, "breakGlassMaxDuration", "15m"));
    assertThat(
            session(bob, Map.of("breakGlass", true)).expectError(400, "invalid_argument").message())
        .startsWith("reason: missing");
    assertThat(
            session(bob, Map.of("breakGlass", true, "reason", "outage", "duration", "1h"))
                .expectError(400, "invalid_argument")
                .message())
        .isEqualTo(
            "duration: 1h (expected: between 1m and 15m, the account's break-glass maximum)");

    JsonNode session =
        session(bob, Map.of("breakGlass", true, "reason", "outage", "duration", "10m"))
            .expect(201)
            .json()
            .get("session");
    assertThat(session.get("breakGlass").asBoolean()).isTrue();
    assertThat(session.get("requestId").isNull()).isTrue();
    JsonNode audit =
        server.admin.get("/api/v1/audit?action=session.break-glass").expect(200).json();
    assertThat(audit.get("items").get(0).get("details").asText())
        .isEqualTo("BREAK-GLASS prod/admin for 10m reason: outage");
  }
}
