package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class AuditTest extends ServerTestBase {
  AuditTest(Backend backend) {
    super(backend);
  }

  @Test
  void everyLoginFailureAndChangeIsRecordedWithActorTargetAndAddress() {
    server
        .anonymous
        .post("/api/v1/auth/login", Map.of("username", "admin", "password", "wrong-password"))
        .expect(401);
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    server.user("bob", "member");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "bob"))
        .expect(200);
    server
        .admin
        .patch("/api/v1/resources/prod", Map.of("serverName", "kubernetes.default.svc"))
        .expect(200);
    String session = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    server
        .admin
        .post("/api/v1/sessions/" + session + "/terminate", Map.of("reason", "drill"))
        .expect(200);
    server.admin.delete("/api/v1/resources/prod/accounts/admin").expect(204);

    var items = server.admin.get("/api/v1/audit?limit=1000").expect(200).json().get("items");
    List<String> actions = new ArrayList<>();
    items.forEach(i -> actions.add(i.get("action").asText()));
    assertThat(actions)
        .contains(
            "auth.login",
            "auth.login.failed",
            "gateway.create",
            "gateway.enroll",
            "resource.create",
            "resource.update",
            "account.create",
            "account.grant",
            "account.delete",
            "user.create",
            "session.create",
            "session.terminate");
    var terminate =
        server.admin.get("/api/v1/audit?action=session.terminate").json().get("items").get(0);
    assertThat(terminate.get("actor").asText()).isEqualTo("admin");
    assertThat(terminate.get("target").asText()).isEqualTo("session:" + session);
    assertThat(terminate.get("sourceAddress").asText()).isEqualTo("127.0.0.1");
    assertThat(terminate.get("details").asText()).isEqualTo("drill");
    var failed =
        server.admin.get("/api/v1/audit?action=auth.login.failed").json().get("items").get(0);
    assertThat(failed.get("actor").asText()).isEqualTo("admin");
    assertThat(failed.get("details").asText()).isEqualTo("wrong password");
  }

  @Test
  void expiryIsRecordedAsTheSystemsAction() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    String session = Fixtures.openSession(server.admin, "prod", "admin", "5m");
    server.clock.advance(java.time.Duration.ofMinutes(5));
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(
            () ->
                server.admin.get("/api/v1/audit?action=session.expire").json().get("items").size()
                    == 1);
    var expired =
        server.admin.get("/api/v1/audit?action=session.expire").json().get("items").get(0);
    assertThat(expired.get("actor").asText()).isEqualTo("system");
    assertThat(expired.get("target").asText()).isEqualTo("session:" + session);
  }
}
