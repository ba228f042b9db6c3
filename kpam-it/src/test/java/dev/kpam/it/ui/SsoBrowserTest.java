package dev.kpam.it.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.it.access.KpamWorld;
import dev.kpam.it.access.TestIdentityProvider;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single sign-on in Chromium against a real OpenID Connect provider: the sign-in page's "Sign in
 * with" button, through the provider and back to a signed-in UI (the session cookie is
 * SameSite=Strict, which a redirect continuing the provider's cross-site navigation would lose),
 * and password sign-in folded away as the break-glass way in.
 */
final class SsoBrowserTest {
  @TempDir Path dir;

  @Test
  void aPersonSignsInWithTheProviderAndTheBreakGlassAdminStillWithAPassword() throws Exception {
    try (TestIdentityProvider idp = TestIdentityProvider.start();
        KpamWorld world =
            KpamWorld.start(dir, server -> server.oidc(idp.settings("kpam-admins", "admin")))) {
      try (Browser browser = Browser.start(world.serverUrl())) {
        browser.open("/ui/login");
        browser.waitFor("#sso-sign-in");
        assertThat(browser.text("#sso-sign-in")).isEqualTo("Sign in with Corp IdP");
        // Passwords are for the break-glass admin only: folded away until asked for.
        browser.waitUntilHidden("#username");
        browser.screenshot("sso-login");

        idp.nextSignIn("sub-erin", "erin", List.of("kpam-admins"));
        browser.click("sso-sign-in");
        browser.waitForPath("/ui/resources");
        assertThat(browser.text(".who")).isEqualTo("erin (admin)");
        browser.waitFor("#resources tr[data-name=\"prod\"]");
        browser.click("sign-out");
        browser.waitForPath("/ui/login");

        browser.click("break-glass");
        browser.fill("username", "admin");
        browser.fill("password", KpamWorld.ADMIN_PASSWORD);
        browser.click("sign-in");
        browser.waitForPath("/ui/resources");
        assertThat(browser.text(".who")).isEqualTo("admin (admin)");
      }
    }
  }
}
