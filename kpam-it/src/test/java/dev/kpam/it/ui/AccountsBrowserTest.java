package dev.kpam.it.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.it.access.KpamWorld;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;

/** An admin sets up a resource's account in the web UI and copies the command that uses it. */
final class AccountsBrowserTest {
  private static final String TOKEN = "eyJ.token-typed-into-the-browser.c2lnbmF0dXJl";
  private static final String COMMAND = "kpam k8s access --resource staging --account viewer";
  private static final String VIEWER_ROW = "#accounts tr[data-name=\"viewer\"]";

  @TempDir Path dir;

  @Test
  void adminCreatesAnAccountThroughTheFormsAndCopiesTheCommandThatOpensASession() {
    try (KpamWorld world = KpamWorld.start(dir);
        Browser browser = Browser.start(world.serverUrl())) {
      browser.allowClipboard();
      browser.signIn("admin", KpamWorld.ADMIN_PASSWORD);
      browser.waitFor("#resources tr[data-name=\"prod\"]");

      browser.click("new-resource");
      browser.fill("name", "staging");
      browser.fill("url", world.kube.url().toString());
      browser.choose("gateway", "dc1");
      browser.click("save");
      browser.clickOn("#resources tr[data-name=\"staging\"] a.accounts");
      browser.waitForPath("/ui/resources/staging/accounts");
      browser.waitFor("#no-accounts");

      browser.click("new-account");
      browser.fill("name", "viewer");
      browser.fill("description", "read-only view of staging");
      browser.fill("token", TOKEN);
      browser.fill("max-duration", "2h");
      browser.click("record-stdin");
      browser.choose("failure-policy", "fail-open");
      browser.screenshot("account-form");
      browser.click("save");

      browser.waitForPath("/ui/resources/staging/accounts");
      assertThat(browser.text(VIEWER_ROW + " td.token")).isEqualTo("stored");
      assertThat(browser.text(VIEWER_ROW + " td.max-duration")).isEqualTo("2h");
      assertThat(browser.text(VIEWER_ROW + " td.recording")).isEqualTo("stdin recorded, fail-open");
      assertThat(browser.source()).doesNotContain(TOKEN);
      browser.screenshot("accounts");

      browser.clickOn(VIEWER_ROW + " a.access");
      browser.waitForText("#access-dialog #access-command", COMMAND);
      assertThat(browser.path()).isEqualTo("/ui/resources/staging/accounts");
      browser.click("copy-command");
      browser.waitForText("#copy-command", "Copied");
      assertThat(browser.clipboardText()).isEqualTo(COMMAND);
      browser.screenshot("access-dialog");

      browser.press(Keys.ESCAPE);
      browser.waitUntilHidden("#access-dialog");
      assertThat(browser.hasFocus(VIEWER_ROW + " a.access")).isTrue();

      browser.clickOn(VIEWER_ROW + " a.access");
      browser.waitFor("#access-dialog");
      browser.click("close-dialog");
      browser.waitUntilHidden("#access-dialog");
      assertThat(browser.hasFocus(VIEWER_ROW + " a.access")).isTrue();

      // Without the script the link leads to a page with the same command.
      browser.open("/ui/resources/staging/accounts/viewer/access");
      assertThat(browser.text("#access-command")).isEqualTo(COMMAND);
    }
  }
}
