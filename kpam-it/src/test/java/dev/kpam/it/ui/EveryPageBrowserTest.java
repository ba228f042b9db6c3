package dev.kpam.it.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.it.access.KpamWorld;
import dev.kpam.testing.kube.Kubectl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every page of the web UI, with data from a real session (a kubectl command and an exec
 * recording): its first view is in its HTML — no script asks the server for anything before the
 * page has loaded — and a browser without JavaScript shows the same content.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class EveryPageBrowserTest {
  private static final String EXEC_OUTPUT = "printed-by-the-pod\n";

  @TempDir static Path dir;
  private KpamWorld world;
  private List<Page> pages;

  /** A page, an element on it and a text that element shows when the page works. */
  private record Page(String path, String css, String text, String screenshot) {}

  @BeforeAll
  void start() throws Exception {
    world = KpamWorld.start(dir);
    Path kubeconfig = dir.resolve("kubeconfig");
    String sessionId;
    try (AccessSession access = world.access("1h", kubeconfig)) {
      sessionId = access.sessionId();
      Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
      Kubectl.Result get = kubectl.run("get", "pods");
      assertThat(get.exitCode()).as(get.stderr()).isZero();
      Kubectl.Result exec =
          kubectl.run(
              EXEC_OUTPUT.getBytes(StandardCharsets.UTF_8), "exec", "-i", "web", "--", "cat");
      assertThat(exec.exitCode()).as(exec.stderr()).isZero();
    }
    String recordingId = world.awaitFinishedRecording(sessionId);
    String session = "/ui/sessions/" + sessionId;
    String account = "/ui/resources/prod/accounts/admin";
    pages =
        List.of(
            new Page("/ui/resources", "#resources tr[data-name=\"prod\"]", "online", null),
            new Page("/ui/resources/new", "#resource-form", "API server", "resource-form"),
            new Page("/ui/resources/prod/edit", "#resource-form", "API server", null),
            new Page("/ui/resources/prod/delete", "#main", "prod", null),
            new Page(
                "/ui/resources/prod/accounts", "#accounts tr[data-name=\"admin\"]", "stored", null),
            new Page(
                account + "/access",
                "#access-command",
                "kpam k8s access --resource prod --account admin",
                "account-access"),
            new Page(account + "/edit", "#token-stored", "stored", null),
            new Page(account + "/policy", "#current-policy", "Now: none", "policy-form"),
            new Page(account + "/approval", "#approval-form", "Approvers", "approval-form"),
            new Page("/ui/requests", "#requests", "No access requests", null),
            new Page("/ui/sessions", "#sessions tr[data-id=\"" + sessionId + "\"]", "ended", null),
            new Page(session, "#commands", "kubectl get pods", null),
            new Page(session, "#commands", "kubectl exec", null),
            new Page(
                session + "/recordings/" + recordingId, "#transcript", "printed-by-the-pod", null),
            new Page("/ui/gateways", "#gateways tr[data-name=\"dc1\"]", "online", null),
            new Page("/ui/gateways/new", "#gateway-form", "Name", null),
            new Page("/ui/users", "#users tr[data-name=\"admin\"]", "admin", null),
            new Page("/ui/users/new", "#user-form", "Password", "user-form"),
            new Page("/ui/users/admin/edit", "#main", "admin", null),
            new Page("/ui/security", "#no-factors", "no second factor", "security"),
            new Page("/ui/audit", "#audit", "session.create", null));
  }

  @AfterAll
  void stop() {
    world.close();
  }

  @Test
  void everyPageShowsItsContentInItsFirstResponse() {
    try (Browser browser = Browser.start(world.serverUrl())) {
      browser.signIn("admin", KpamWorld.ADMIN_PASSWORD);
      for (Page page : pages) {
        browser.open(page.path());
        assertThat(browser.scriptRequestsBeforeLoad()).as(page.path()).isEmpty();
        assertThat(browser.text(page.css())).as(page.path()).contains(page.text());
        if (page.screenshot() != null) {
          browser.screenshot(page.screenshot());
        }
      }
    }
  }

  @Test
  void everyPageCanBeReadWithoutJavaScript() {
    try (Browser browser = Browser.startWithoutJavaScript(world.serverUrl())) {
      browser.signIn("admin", KpamWorld.ADMIN_PASSWORD);
      for (Page page : pages) {
        browser.open(page.path());
        assertThat(browser.text(page.css())).as(page.path()).contains(page.text());
      }
      // Without JavaScript, Access leads to a page with the command instead of a dialog.
      browser.open("/ui/resources/prod/accounts");
      browser.clickOn("#accounts tr[data-name=\"admin\"] a.access");
      browser.waitForPath("/ui/resources/prod/accounts/admin/access");
      assertThat(browser.text("#access-command"))
          .isEqualTo("kpam k8s access --resource prod --account admin");
    }
  }
}
