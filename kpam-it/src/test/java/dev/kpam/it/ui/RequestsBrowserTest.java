package dev.kpam.it.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.it.access.KpamWorld;
import dev.kpam.testing.kube.Kubectl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The approval flow in the browser, on SQLite and PostgreSQL: an admin makes an account require
 * carol's approval (a typo shown under its field); the admin's own request offers no approve
 * button; carol's Requests page shows a new request without reloading; her approval lets the
 * admin's kubectl in, and the session page names the request; her denial with a comment ends the
 * other request.
 */
@ParameterizedClass
@ValueSource(strings = {"sqlite", "postgresql"})
final class RequestsBrowserTest {
  private static final String ACCESS = "/ui/resources/prod/accounts/admin/approval";

  private final String backend;

  RequestsBrowserTest(String backend) {
    this.backend = backend;
  }

  @Test
  void carolApprovesOneRequestAndDeniesAnotherAndTheApprovedOneOpensKubectl() throws IOException {
    Path dir = Files.createTempDirectory("kpam-requests-ui-" + backend);
    try (KpamWorld world = KpamWorld.onBackend(dir, backend);
        Browser browser = Browser.start(world.serverUrl())) {
      String bob = member(world, "bob");
      member(world, "carol");
      world.call(
          "POST",
          "/api/v1/resources/prod/accounts/admin/grants",
          world.adminToken,
          Map.of("user", "bob"));

      browser.signIn("admin", KpamWorld.ADMIN_PASSWORD);
      browser.open(ACCESS);
      browser.click("requires-approval");
      browser.fill("approvers", "carol, nobody");
      browser.click("save");
      assertThat(browser.text("#error-approvers"))
          .isEqualTo(
              "access.approvers: 'nobody' (expected: names of existing users, or group:NAME for an identity provider group)");
      browser.fill("approvers", "carol");
      browser.click("save");
      browser.waitFor("#saved");

      String mine = request(world, world.adminToken, "incident 42");
      browser.open("/ui/requests/" + mine);
      assertThat(browser.text("#own-request"))
          .isEqualTo("Waiting for carol. Nobody approves their own request.");
      assertThat(browser.source()).doesNotContain("id=\"approve\"");
      browser.click("sign-out");

      browser.signIn("carol", "carol-password-for-ui");
      browser.open("/ui/requests");
      browser.waitFor("tr[data-id='" + mine + "']");
      String other = request(world, bob, "deploy on friday");
      // The list polls: bob's request shows up without a reload, pending before the rest.
      browser.waitFor("tr[data-id='" + other + "']");
      assertThat(browser.text("#request-rows tr[data-id='" + other + "'] .reason"))
          .isEqualTo("deploy on friday");
      browser.screenshot("requests");

      browser.clickOn("tr[data-id='" + mine + "'] a.request");
      browser.fill("comment", "go ahead");
      browser.click("approve");
      browser.waitFor("#done");
      assertThat(browser.text("#request-status")).isEqualTo("approved");
      assertThat(browser.text("#decided-by")).isEqualTo("carol");

      browser.open("/ui/requests/" + other);
      browser.fill("comment", "not on a friday");
      browser.click("deny");
      browser.waitFor("#done");
      assertThat(browser.text("#request-status")).isEqualTo("denied");
      assertThat(browser.text("#decision-comment")).isEqualTo("not on a friday");
      browser.click("sign-out");

      Path kubeconfig = dir.resolve("kubeconfig");
      try (AccessSession access = world.access(null, kubeconfig)) {
        Kubectl.Result pods = world.kubectl(Kubectl.V1_33, kubeconfig).run("get", "pods");
        assertThat(pods.exitCode()).as(pods.stderr()).isZero();
        browser.signIn("admin", KpamWorld.ADMIN_PASSWORD);
        browser.open("/ui/sessions/" + access.sessionId());
        assertThat(browser.text("#session-request")).isEqualTo(mine);
      }
    }
  }

  /** A member with a known password; returns their API token. */
  private static String member(KpamWorld world, String name) {
    String password = name + "-password-for-ui";
    world.call(
        "POST",
        "/api/v1/users",
        world.adminToken,
        Map.of("name", name, "role", "member", "password", password));
    return world
        .call("POST", "/api/v1/auth/login", null, Map.of("username", name, "password", password))
        .get("token")
        .asText();
  }

  private static String request(KpamWorld world, String token, String reason) {
    return world
        .call(
            "POST",
            "/api/v1/requests",
            token,
            Map.of("resource", "prod", "account", "admin", "duration", "30m", "reason", reason))
        .get("id")
        .asText();
  }
}
