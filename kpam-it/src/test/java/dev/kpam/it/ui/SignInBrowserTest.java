package dev.kpam.it.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.it.access.KpamWorld;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing in to and out of the web UI of a whole kpam system, in Chromium. */
final class SignInBrowserTest {
  @TempDir Path dir;

  @Test
  void adminSignsInSeesTheResourcesAndSignsOutAgain() throws Exception {
    try (KpamWorld world = KpamWorld.start(dir)) {
      try (Browser browser = Browser.start(world.serverUrl())) {
        browser.open("/ui/login");
        browser.waitFor("#sign-in");
        browser.screenshot("login");

        browser.fill("username", "admin");
        browser.fill("password", KpamWorld.ADMIN_PASSWORD);
        browser.click("sign-in");
        browser.waitFor("#resources tr[data-name=\"prod\"]");
        browser.screenshot("resources");

        browser.click("sign-out");
        browser.waitForPath("/ui/login");
        assertThat(browser.waitFor("#sign-in").isDisplayed()).isTrue();
      }
    }
  }
}
