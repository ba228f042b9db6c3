package dev.kpam.it.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.it.access.KpamWorld;
import dev.kpam.testing.kube.Kubectl;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An admin writes an account's policy in the browser: a typo is shown under the field, what-if
 * replays a real kubectl session against the draft, and the saved policy refuses kubectl at once.
 */
final class PolicyBrowserTest {
  private static final String PAGE = "/ui/resources/prod/accounts/admin/policy";

  @TempDir Path dir;

  @Test
  void anAdminTriesADraftOnRecordedRequestsSavesItAndKubectlIsRefused() throws Exception {
    try (KpamWorld world = KpamWorld.start(dir);
        Browser browser = Browser.start(world.serverUrl())) {
      Path kubeconfig = dir.resolve("kubeconfig");
      try (AccessSession access = world.access("1h", kubeconfig)) {
        Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
        assertThat(kubectl.run("get", "pods").exitCode()).isZero();
        assertThat(kubectl.run("delete", "pod", "web").exitCode()).isZero();
        String events =
            "/api/v1/sessions/" + access.sessionId() + "/events?type=request&limit=1000";
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    world
                        .call("GET", events, world.adminToken, null)
                        .toString()
                        .contains("\"method\":\"DELETE\""));
      }
      browser.signIn("admin", KpamWorld.ADMIN_PASSWORD);
      browser.open(PAGE);
      assertThat(browser.text("#current-policy")).startsWith("Now: none");

      browser.fill("policy", "rules:\n  - effect: allow\n    verbs: [gett]\n");
      browser.click("save");
      assertThat(browser.text("#error-policy"))
          .startsWith("policy.rules[0].verbs: unknown verb 'gett'");

      browser.fill("policy", "preset: read-only");
      browser.fill("since", "1h");
      browser.click("what-if");
      browser.waitFor("#what-if-report");
      assertThat(browser.text("#what-if-summary"))
          .contains("1 of ")
          .contains("would have been denied");
      assertThat(browser.text("#what-if-groups tbody tr.denied"))
          .contains("kubectl delete")
          .contains("kpam: policy of prod/admin forbids delete on pods in default");
      browser.screenshot("policy-what-if");

      browser.click("save");
      browser.waitFor("#saved");
      assertThat(browser.text("#current-policy")).isEqualTo("Now: preset read-only.");
      try (AccessSession access = world.access("1h", kubeconfig)) {
        Kubectl.Result refused =
            world.kubectl(Kubectl.V1_33, kubeconfig).run("delete", "configmap", "anything");
        assertThat(refused.stderr())
            .contains("kpam: policy of prod/admin forbids delete on configmaps in default");
      }
    }
  }
}
