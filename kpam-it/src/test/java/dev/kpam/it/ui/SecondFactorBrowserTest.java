package dev.kpam.it.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.crypto.otp.Base32;
import dev.kpam.crypto.otp.Totp;
import dev.kpam.it.access.KpamWorld;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enrolling an authenticator app in Chromium: the QR code and key, a wrong code refused with the QR
 * code still there, the right code (computed from the key shown) confirming it, and the recovery
 * codes shown once.
 */
final class SecondFactorBrowserTest {
  @TempDir Path dir;

  @Test
  void anAuthenticatorAppIsEnrolledFromTheQrCodesKey() throws Exception {
    try (KpamWorld world = KpamWorld.start(dir);
        Browser browser = Browser.start(world.serverUrl())) {
      browser.signIn("admin", KpamWorld.ADMIN_PASSWORD);
      browser.open("/ui/security");
      browser.waitFor("#no-factors");
      browser.click("add-totp");
      browser.waitFor("#totp-qr svg");
      String key = browser.text("#totp-secret");
      browser.screenshot("totp-setup");

      browser.fill("code", "000000");
      browser.click("confirm-totp");
      assertThat(browser.text("#totp-error")).contains("not the code the authenticator app shows");
      browser.waitFor("#totp-qr svg");
      assertThat(browser.text("#totp-secret")).isEqualTo(key);

      browser.fill("code", Totp.codeAt(Base32.decode(key), Instant.now()));
      browser.click("confirm-totp");
      browser.waitFor("#recovery-codes");
      assertThat(browser.source().split("<li><code>", -1)).hasSize(11);
      browser.open("/ui/security");
      browser.waitFor("#factors tr[data-id]");
      assertThat(browser.source()).doesNotContain(key);
    }
  }
}
