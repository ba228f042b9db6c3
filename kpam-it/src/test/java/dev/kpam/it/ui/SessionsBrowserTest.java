package dev.kpam.it.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.it.access.KpamWorld;
import dev.kpam.testing.kube.Kubectl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.StaleElementReferenceException;

/**
 * The sessions pages of a whole kpam system in Chromium, with the real kubectl 1.33 going through a
 * real access session: the page follows the session live and an admin terminates it.
 */
final class SessionsBrowserTest {
  private static final String REASON = "incident 42: stop now";

  @TempDir Path dir;

  @Test
  void anAdminWatchesASessionLiveAndTerminatesItWhichEndsKubectl() throws Exception {
    try (KpamWorld world = KpamWorld.start(dir)) {
      Path kubeconfig = dir.resolve("kubeconfig");
      AccessSession access = world.access("1h", kubeconfig);
      Kubectl kubectl = new Kubectl(Kubectl.V1_33, kubeconfig, dir.resolve("kubectl-home"));
      String id = access.sessionId();
      Process watching = null;
      try (Browser browser = Browser.start(world.serverUrl())) {
        browser.signIn("admin", KpamWorld.ADMIN_PASSWORD);
        browser.waitFor("#resources");

        browser.open("/ui/sessions");
        String row = "#sessions tr[data-id=\"" + id + "\"]";
        assertThat(browser.text(row + " .status")).isEqualTo("active");
        browser.screenshot("sessions");
        browser.waitFor(row + " a.session").click();
        browser.waitForPath("/ui/sessions/" + id);
        browser.waitForText("#session-status", "active");

        // The page is open before the command runs: only the polled fragment can show it.
        Kubectl.Result pods = kubectl.run("get", "pods", "-n", "default");
        assertThat(pods.exitCode()).as(pods.stderr()).isZero();
        String command = "#commands li.command[data-line^=\"kubectl get pods\"]";
        browser.waitFor(command);
        assertThat(browser.path()).isEqualTo("/ui/sessions/" + id);

        // Opened requests stay open while the live part is replaced (sessions.js).
        await()
            .atMost(Duration.ofSeconds(15))
            .ignoreException(StaleElementReferenceException.class)
            .untilAsserted(() -> browser.waitFor(command + " details summary").click());
        browser.waitFor(command + " details[open] table.requests");
        // A second command replaces the live part; the first command's requests stay open.
        Kubectl.Result services = kubectl.run("get", "services", "-n", "default");
        assertThat(services.exitCode()).as(services.stderr()).isZero();
        browser.waitFor("#commands li.command[data-line^=\"kubectl get services\"]");
        browser.waitFor(command + " details[open] table.requests");
        // Between changes the polls answer 204 and the duration counts on in the page.
        String duration = browser.text("#session-duration");
        await()
            .atMost(Duration.ofSeconds(15))
            .ignoreException(StaleElementReferenceException.class)
            .until(() -> !browser.text("#session-duration").equals(duration));
        assertThat(browser.text("#session-duration")).endsWith("so far");
        browser.screenshot("session");

        long watchesBefore = watches(world);
        watching = kubectl.start("get", "pods", "-n", "default", "--watch");
        Process watch = watching;
        await().atMost(Duration.ofSeconds(30)).until(() -> watches(world) > watchesBefore);
        assertThat(watch.isAlive()).isTrue();
        // The watch shows on the page while it runs, not only once it has ended.
        browser.waitFor("#commands li.command .badge.running");

        browser.click("terminate");
        browser.waitForPath("/ui/sessions/" + id + "/terminate");
        browser.fill("reason", REASON);
        browser.screenshot("terminate");
        browser.click("confirm-terminate");

        browser.waitForPath("/ui/sessions/" + id);
        browser.waitForText("#session-status", "terminated");
        assertThat(browser.text("#end-reason")).isEqualTo(REASON);
        assertThat(browser.waitFor("#session-live").getAttribute("hx-trigger"))
            .as("polling stops once the session is over")
            .isNull();
        assertThat(watch.waitFor(15, TimeUnit.SECONDS)).as("kubectl --watch ends").isTrue();
        browser.screenshot("session-terminated");
      } finally {
        if (watching != null) {
          watching.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        access.close();
      }
    }
  }

  private static long watches(KpamWorld world) {
    return world.kube.requests().stream().filter(r -> r.uri().contains("watch=")).count();
  }
}
