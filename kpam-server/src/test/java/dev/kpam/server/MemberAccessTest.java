package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class MemberAccessTest extends ServerTestBase {
  MemberAccessTest(Backend backend) {
    super(backend);
  }

  @Test
  void aMemberCannotReachAnyAdminEndpoint() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    Api bob = server.user("bob", "member");
    String session = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    Map<String, Object> any = Map.of("name", "x");
    Api.Response[] answers = {
      bob.post(
          "/api/v1/users", Map.of("name", "eve", "role", "admin", "password", "0123456789abc")),
      bob.get("/api/v1/users"),
      bob.get("/api/v1/users/admin"),
      bob.patch("/api/v1/users/bob", Map.of("role", "admin")),
      bob.post("/api/v1/gateways", any),
      bob.get("/api/v1/gateways"),
      bob.get("/api/v1/gateways/dc1"),
      bob.post("/api/v1/gateways/dc1/enroll-token", null),
      bob.delete("/api/v1/gateways/dc1"),
      bob.post(
          "/api/v1/resources", Map.of("name", "evil", "url", "https://1.2.3.4", "gateway", "dc1")),
      bob.patch("/api/v1/resources/prod", Map.of("url", "https://evil.example")),
      bob.delete("/api/v1/resources/prod"),
      bob.post("/api/v1/resources/prod/accounts", Map.of("name", "x", "token", "t")),
      bob.patch("/api/v1/resources/prod/accounts/admin", Map.of("description", "x")),
      bob.delete("/api/v1/resources/prod/accounts/admin"),
      bob.post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "bob")),
      bob.delete("/api/v1/resources/prod/accounts/admin/grants/bob"),
      bob.post("/api/v1/sessions/" + session + "/terminate", null),
      bob.get("/api/v1/audit"),
    };
    for (Api.Response answer : answers) {
      answer.expectError(403, "forbidden");
    }
    assertThat(server.admin.get("/api/v1/users/bob").json().get("role").asText())
        .isEqualTo("member");
  }

  @Test
  void aMemberCannotOpenASessionOnAnAccountNotGrantedToThem() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    Api bob = server.user("bob", "member");
    String message =
        bob.post(
                "/api/v1/sessions",
                Map.of("resource", "prod", "account", "admin", "csr", Fixtures.csr()))
            .expectError(404, "not_found")
            .message();
    assertThat(message).contains("you may access no account");
    assertThat(server.admin.get("/api/v1/sessions").json().get("items")).isEmpty();
  }

  @Test
  void aGrantLetsAMemberSeeAndUseExactlyThatAccount() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    server
        .admin
        .post("/api/v1/resources/prod/accounts", Map.of("name", "viewer", "token", "viewer-token"))
        .expect(201);
    Fixtures.enrolledGateway(server, "dc2");
    server
        .admin
        .post(
            "/api/v1/resources",
            Map.of("name", "staging", "url", "https://10.0.0.2:6443", "gateway", "dc2"))
        .expect(201);
    Api bob = server.user("bob", "member");
    assertThat(bob.get("/api/v1/accounts").json().get("items")).isEmpty();
    assertThat(bob.get("/api/v1/resources").json().get("items")).isEmpty();

    var granted =
        server
            .admin
            .post("/api/v1/resources/prod/accounts/viewer/grants", Map.of("user", "bob"))
            .expect(200)
            .json();
    assertThat(granted.get("grants").toString()).isEqualTo("[\"bob\"]");

    var accounts = bob.get("/api/v1/accounts").expect(200).json().get("items");
    assertThat(accounts).hasSize(1);
    assertThat(accounts.get(0).get("name").asText()).isEqualTo("viewer");
    assertThat(accounts.get(0).get("grants")).isEmpty();
    var resources = bob.get("/api/v1/resources").json().get("items");
    assertThat(resources).hasSize(1);
    assertThat(resources.get(0).get("name").asText()).isEqualTo("prod");
    bob.get("/api/v1/resources/staging").expectError(404, "not_found");

    String denied =
        bob.post(
                "/api/v1/sessions",
                Map.of("resource", "prod", "account", "admin", "csr", Fixtures.csr()))
            .expectError(404, "not_found")
            .message();
    assertThat(denied).contains("you may access: prod/viewer");
    Fixtures.openSession(bob, "prod", "viewer", "30m");

    server.admin.delete("/api/v1/resources/prod/accounts/viewer/grants/bob").expect(200);
    bob.post(
            "/api/v1/sessions",
            Map.of("resource", "prod", "account", "viewer", "csr", Fixtures.csr()))
        .expectError(404, "not_found");
  }

  @Test
  void membersSeeOnlyTheirOwnSessions() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "bob"))
        .expectError(400, "invalid_argument");
    Api bob = server.user("bob", "member");
    server.user("carol", "member");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "bob"))
        .expect(200);
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "carol"))
        .expect(200);
    Api carol = server.anonymous.login("carol", "carol-password-123");
    String bobs = Fixtures.openSession(bob, "prod", "admin", "1h");
    String carols = Fixtures.openSession(carol, "prod", "admin", "1h");
    var listed = bob.get("/api/v1/sessions?user=carol").expect(200).json().get("items");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).get("id").asText()).isEqualTo(bobs);
    bob.get("/api/v1/sessions/" + carols).expectError(404, "not_found");
    bob.post("/api/v1/sessions/" + carols + "/end", null).expectError(404, "not_found");
    assertThat(server.admin.get("/api/v1/sessions").json().get("items")).hasSize(2);
  }
}
