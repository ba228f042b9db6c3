package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
  void repeatedFailedLoginsAreThrottledEvenForTheRightPasswordWithAGrowingDelay() {
    for (int i = 0; i < 5; i++) {
      server
          .anonymous
          .post("/api/v1/auth/login", Map.of("username", "admin", "password", "wrong-" + i))
          .expect(401);
    }
    var throttled =
        server.anonymous.post(
            "/api/v1/auth/login",
            Map.of("username", "admin", "password", TestServer.ADMIN_PASSWORD));
    throttled.expectError(429, "too_many_attempts");
    assertThat(throttled.message()).isEqualTo("too many failed sign-ins; try again in 15 s");
    assertThat(throttled.headers().firstValue("Retry-After")).contains("15");

    server.clock.advance(Duration.ofSeconds(15));
    server
        .anonymous
        .post("/api/v1/auth/login", Map.of("username", "admin", "password", "wrong-again"))
        .expect(401);
    assertThat(
            server
                .anonymous
                .post(
                    "/api/v1/auth/login",
                    Map.of("username", "admin", "password", TestServer.ADMIN_PASSWORD))
                .expectError(429, "too_many_attempts")
                .headers()
                .firstValue("Retry-After"))
        .contains("30");

    server.clock.advance(Duration.ofSeconds(30));
    server.anonymous.login("admin", TestServer.ADMIN_PASSWORD);
    // The successful login cleared the counter: the next wrong password is a plain 401.
    server
        .anonymous
        .post("/api/v1/auth/login", Map.of("username", "admin", "password", "wrong-later"))
        .expect(401);
  }

  @Test
  void aThrottledAnswerIsTheSameForAnUnknownUserAndIsAudited() {
    for (String name : new String[] {"admin", "ghost"}) {
      for (int i = 0; i < 5; i++) {
        server
            .anonymous
            .post("/api/v1/auth/login", Map.of("username", name, "password", "wrong-" + i))
            .expect(401);
      }
    }
    var known =
        server.anonymous.post("/api/v1/auth/login", Map.of("username", "admin", "password", "x"));
    var unknown =
        server.anonymous.post("/api/v1/auth/login", Map.of("username", "ghost", "password", "x"));
    known.expectError(429, "too_many_attempts");
    unknown.expectError(429, "too_many_attempts");
    assertThat(known.message()).isEqualTo(unknown.message());
    assertThat(server.admin.get("/api/v1/audit?action=auth.login.throttled").expect(200).body())
        .contains("user:admin", "user:ghost");
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
  void weakPasswordsAreRefusedWithTheEstimatorsAdviceButNeverThePassword() {
    String common =
        server
            .admin
            .post(
                "/api/v1/users",
                Map.of("name", "carol", "role", "member", "password", "password123456"))
            .expectError(400, "invalid_argument")
            .message();
    assertThat(common)
        .startsWith("password: too easy to guess (strength 1 of 4) (expected: strength at least 3;")
        .contains("commonly used password")
        .doesNotContain("password123456");
    assertThat(
            server
                .admin
                .post(
                    "/api/v1/users",
                    Map.of(
                        "name", "carolina-smith", "role", "member", "password", "Carolina-Smith"))
                .expectError(400, "invalid_argument")
                .message())
        .isEqualTo("password: the user name (expected: a password other than the user name)");
    assertThat(
            server
                .admin
                .post(
                    "/api/v1/users",
                    Map.of("name", "carol", "role", "member", "password", " ".repeat(14)))
                .expectError(400, "invalid_argument")
                .message())
        .isEqualTo("password: only whitespace (expected: a password with other characters)");
    assertThat(
            server
                .admin
                .post(
                    "/api/v1/users",
                    Map.of("name", "carol", "role", "member", "password", "x".repeat(10_000)))
                .expectError(400, "invalid_argument")
                .message())
        .isEqualTo("password: 10000 characters (expected: at most 256 characters)");
    server.user("carol", "member");
    assertThat(
            server
                .admin
                .patch("/api/v1/users/carol", Map.of("password", "qwertyuiopasdf"))
                .expectError(400, "invalid_argument")
                .message())
        .startsWith("password: too easy to guess")
        .doesNotContain("qwertyuiopasdf");
    server
        .admin
        .patch("/api/v1/users/carol", Map.of("password", "correct horse battery staple"))
        .expect(200);
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
