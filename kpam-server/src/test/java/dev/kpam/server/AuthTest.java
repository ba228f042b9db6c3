package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class AuthTest extends ServerTestBase {
  AuthTest(Backend backend) {
    super(backend);
  }

  @Test
  void theBootstrapAdminLogsInAndSeesThemself() {
    var me = server.admin.get("/api/v1/auth/whoami").expect(200).json();
    assertThat(me.get("name").asText()).isEqualTo("admin");
    assertThat(me.get("role").asText()).isEqualTo("admin");
  }

  @Test
  void aWrongPasswordIsRefusedWithoutSayingWhichPartWasWrong() {
    var wrong =
        server.anonymous.post(
            "/api/v1/auth/login", Map.of("username", "admin", "password", "nope-nope-nope"));
    var unknown =
        server.anonymous.post(
            "/api/v1/auth/login", Map.of("username", "ghost", "password", "nope-nope-nope"));
    wrong.expectError(401, "invalid_credentials");
    unknown.expectError(401, "invalid_credentials");
    assertThat(wrong.message()).isEqualTo(unknown.message());
  }

  @Test
  void repeatedFailedLoginsAreThrottledEvenForTheRightPassword() {
    for (int i = 0; i < 5; i++) {
      server
          .anonymous
          .post("/api/v1/auth/login", Map.of("username", "admin", "password", "wrong-" + i))
          .expect(401);
    }
    server
        .anonymous
        .post(
            "/api/v1/auth/login",
            Map.of("username", "admin", "password", TestServer.ADMIN_PASSWORD))
        .expectError(429, "too_many_attempts");
    assertThat(
            server
                .anonymous
                .post("/api/v1/auth/login", Map.of("username", "admin", "password", "x"))
                .headers()
                .firstValue("Retry-After"))
        .contains("900");
    server.clock.advance(java.time.Duration.ofMinutes(16));
    server.anonymous.login("admin", TestServer.ADMIN_PASSWORD);
  }

  @Test
  void requestsWithoutOrWithABadTokenGetAReadable401() {
    assertThat(
            server.anonymous.get("/api/v1/resources").expectError(401, "unauthenticated").message())
        .contains("Bearer");
    server
        .anonymous
        .withToken("kpam_not-a-real-token")
        .get("/api/v1/resources")
        .expectError(401, "unauthenticated");
  }

  @Test
  void logoutRevokesTheTokenItWasCalledWith() {
    Api session = server.anonymous.login("admin", TestServer.ADMIN_PASSWORD);
    session.post("/api/v1/auth/logout", null).expect(204);
    assertThat(session.get("/api/v1/auth/whoami").expectError(401, "unauthenticated").message())
        .contains("revoked");
    server.admin.get("/api/v1/auth/whoami").expect(200);
  }

  @Test
  void loginTokensExpire() {
    server.clock.advance(java.time.Duration.ofHours(13));
    assertThat(
            server.admin.get("/api/v1/auth/whoami").expectError(401, "unauthenticated").message())
        .contains("expired");
  }

  @Test
  void apiTokensAreShownOnceListedWithoutTheSecretAndRevocable() {
    var created =
        server.admin.post("/api/v1/tokens", Map.of("name", "ci", "ttl", "24h")).expect(201).json();
    String secret = created.get("token").asText();
    String id = created.get("info").get("id").asText();
    Api ci = server.anonymous.withToken(secret);
    ci.get("/api/v1/auth/whoami").expect(200);
    String listed = server.admin.get("/api/v1/tokens").expect(200).body();
    assertThat(listed).contains(id).doesNotContain(secret);
    server.admin.delete("/api/v1/tokens/" + id).expect(204);
    ci.get("/api/v1/auth/whoami").expectError(401, "unauthenticated");
  }

  @Test
  void aDisabledUserCanNeitherLogInNorUseOldTokens() {
    Api bob = server.user("bob", "member");
    server.admin.patch("/api/v1/users/bob", Map.of("disabled", true)).expect(200);
    bob.get("/api/v1/auth/whoami").expect(401);
    server
        .anonymous
        .post("/api/v1/auth/login", Map.of("username", "bob", "password", "bob-password-123"))
        .expectError(401, "invalid_credentials");
  }

  @Test
  void badUserInputNamesTheField() {
    assertThat(
            server
                .admin
                .post(
                    "/api/v1/users",
                    Map.of("name", "Bad Name", "role", "member", "password", "long-enough-pw"))
                .expectError(400, "invalid_argument")
                .message())
        .startsWith("name: 'Bad Name'");
    assertThat(
            server
                .admin
                .post(
                    "/api/v1/users",
                    Map.of("name", "carol", "role", "root", "password", "long-enough-pw"))
                .expectError(400, "invalid_argument")
                .message())
        .isEqualTo("role: root (expected: admin or member)");
    assertThat(
            server
                .admin
                .post(
                    "/api/v1/users", Map.of("name", "carol", "role", "member", "password", "short"))
                .expectError(400, "invalid_argument")
                .message())
        .isEqualTo("password: 5 characters (expected: at least 12 characters)");
    assertThat(
            server
                .admin
                .post("/api/v1/users", Map.of("nmae", "carol"))
                .expectError(400, "malformed_request")
                .message())
        .isEqualTo("unknown field 'nmae'");
    server.admin.post("/api/v1/users", "{not json").expectError(400, "malformed_request");
  }

  @Test
  void duplicateUsersAreRefused() {
    server.user("dave", "member");
    server
        .admin
        .post(
            "/api/v1/users",
            Map.of("name", "dave", "role", "member", "password", "another-password"))
        .expectError(409, "already_exists");
  }
}
