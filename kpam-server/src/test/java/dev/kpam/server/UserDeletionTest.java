package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code DELETE /api/v1/users/{name}}. */
@ParameterizedClass
@EnumSource(Backend.class)
class UserDeletionTest extends ServerTestBase {
  UserDeletionTest(Backend backend) {
    super(backend);
  }

  @Test
  void anAdminCannotDeleteThemself() {
    String message =
        server.admin.delete("/api/v1/users/admin").expectError(409, "conflict").message();

    assertThat(message)
        .isEqualTo("you cannot delete yourself; another admin can delete user 'admin'");
    server.admin.get("/api/v1/users/admin").expect(200);
  }

  @Test
  void aDeletedMembersTokensStopWorkingAndTheDeletionIsAudited() {
    Api bob = server.user("bob", "member");
    bob.get("/api/v1/auth/whoami").expect(200);

    server.admin.delete("/api/v1/users/bob").expect(204);

    bob.get("/api/v1/auth/whoami").expectError(401, "unauthenticated");
    server
        .anonymous
        .post("/api/v1/auth/login", Map.of("username", "bob", "password", "bob-password-123"))
        .expectError(401, "invalid_credentials");
    server.admin.get("/api/v1/users/bob").expectError(404, "not_found");
    var event =
        server.admin.get("/api/v1/audit?action=user.delete").expect(200).json().get("items").get(0);
    assertThat(event.get("actor").asText()).isEqualTo("admin");
    assertThat(event.get("target").asText()).isEqualTo("user:bob");
    assertThat(event.get("details").asText()).isEqualTo("role=member");
  }

  @Test
  void grantsGoWithTheUserWhileTheirSessionsStayInTheHistory() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    Api bob = server.user("bob", "member");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "bob"))
        .expect(200);
    String session = Fixtures.openSession(bob, "prod", "admin", "30m");

    server.admin.delete("/api/v1/users/bob").expect(204);

    var accounts = server.admin.get("/api/v1/resources/prod/accounts").expect(200).json();
    assertThat(accounts.get("items").get(0).get("grants")).isEmpty();
    var history = server.admin.get("/api/v1/sessions/" + session).expect(200).json();
    assertThat(history.get("user").asText()).isEqualTo("bob");
  }

  @Test
  void anotherAdminCanBeDeletedButOnlyByAnAdmin() {
    Api carol = server.user("carol", "admin");
    Api dave = server.user("dave", "member");

    dave.delete("/api/v1/users/carol").expectError(403, "forbidden");
    server.admin.delete("/api/v1/users/carol").expect(204);

    carol.get("/api/v1/auth/whoami").expect(401);
    server.admin.delete("/api/v1/users/carol").expectError(404, "not_found");
  }

  @Test
  void theUsersPageDeletesAfterConfirmationButNotYourself() {
    server.user("bob", "member");
    FormClient admin = FormClient.signedIn(server, "admin", TestServer.ADMIN_PASSWORD);

    assertThat(admin.get("/ui/users").expect(200).html()).contains("href=\"/ui/users/bob/delete\"");
    FormClient.Page confirm = admin.get("/ui/users/bob/delete").expect(200);
    assertThat(confirm.html()).contains("id=\"confirm-delete\"", "Delete user bob?");
    admin.post("/ui/users/bob/delete", Map.of("_csrf", confirm.csrf())).expectRedirect("/ui/users");
    server.admin.get("/api/v1/users/bob").expect(404);

    String refused =
        admin.post("/ui/users/admin/delete", Map.of("_csrf", confirm.csrf())).expect(409).html();
    assertThat(refused).contains("id=\"form-error\"", "you cannot delete yourself");
    admin.get("/ui/users/nope/delete").expect(404);
    admin.post("/ui/users/admin/delete", Map.of()).expect(403);
  }

  @Test
  void twoAdminsDeletingEachOtherAtOnceLeaveAnEnabledAdmin() throws Exception {
    Api carol = server.user("carol", "admin");
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Integer>> deletions = new ArrayList<>();
    deletions.add(deleteAfter(start, server.admin, "carol"));
    deletions.add(deleteAfter(start, carol, "admin"));

    start.countDown();

    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<Integer> deletion : deletions) {
      statuses.add(deletion.get(30, TimeUnit.SECONDS));
    }
    // The loser is refused as the last admin (409), or its token went with its account (401).
    assertThat(statuses).containsOnlyOnce(204).containsAnyOf(401, 409);
    Api survivor =
        statuses.get(0) == 204
            ? server.anonymous.login("admin", TestServer.ADMIN_PASSWORD)
            : server.anonymous.login("carol", "carol-password-123");
    assertThat(survivor.get("/api/v1/auth/whoami").expect(200).json().get("role").asText())
        .isEqualTo("admin");
  }

  private static CompletableFuture<Integer> deleteAfter(
      CountDownLatch start, Api api, String name) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
          return api.delete("/api/v1/users/" + name).status();
        });
  }
}
