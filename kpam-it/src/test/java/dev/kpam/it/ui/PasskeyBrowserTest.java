package dev.kpam.it.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.crypto.pki.Csrs;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.it.access.KpamProcess;
import dev.kpam.it.access.KpamWorld;
import dev.kpam.it.access.Processes;
import dev.kpam.testing.kube.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passkeys in Chromium with its virtual authenticator: registered in the web UI (recovery codes
 * shown once, the passkey listed by its name), then {@code kpam k8s access} ({@code kpam.jar} in a
 * process of its own) on an account that requires a second factor opens the browser on a
 * confirmation page, the passkey confirms it, kubectl works through the session, the session says
 * {@code webauthn}, and the same confirmation cannot open a second session.
 */
final class PasskeyBrowserTest {
  private static final Pattern SESSION_ID =
      Pattern.compile("([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

  @TempDir Path dir;

  @Test
  void aPasskeyRegisteredInTheUiConfirmsTheSessionKpamK8sAccessOpens() throws Exception {
    assertThat(KpamWorld.KPAM_JAR).as("built before kpam-it runs (mvn verify)").exists();
    try (KpamWorld world = KpamWorld.start(dir);
        Browser browser = Browser.start(world.serverUrl())) {
      assertThat(world.serverUrl().getHost())
          .as("WebAuthn needs a host name")
          .isEqualTo("localhost");
      browser.addPasskeyAuthenticator();
      browser.signIn("admin", KpamWorld.ADMIN_PASSWORD);
      browser.open("/ui/security");
      browser.click("add-passkey");
      browser.waitFor("#register-passkey");
      browser.fill("passkey-name", "laptop");
      browser.screenshot("passkey-setup");
      browser.click("register-passkey");
      browser.waitFor("#recovery-codes");
      browser.open("/ui/security");
      assertThat(browser.text("#factors")).contains("laptop");

      world.call(
          "PATCH",
          "/api/v1/resources/prod/accounts/admin",
          world.adminToken,
          Map.of("access", Map.of("requiresMfa", true)));
      Path opened = dir.resolve("opened-urls");
      Path opener = dir.resolve("open-browser");
      Files.writeString(opener, "#!/bin/sh\necho \"$1\" >> '" + opened + "'\n");
      Files.setPosixFilePermissions(opener, PosixFilePermissions.fromString("rwx------"));

      Path kubeconfig = dir.resolve("kubeconfig");
      Process access =
          KpamProcess.access(
              world,
              dir,
              "admin",
              world.adminToken,
              kubeconfig,
              Map.of("KPAM_BROWSER", opener.toString()));
      try {
        StringBuffer out = Processes.collect(access.getInputStream());
        StringBuffer err = Processes.collect(access.getErrorStream());
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> Files.exists(opened) || !access.isAlive());
        assertThat(access.isAlive()).as("waits for the passkey: " + out + err).isTrue();
        String url = Files.readAllLines(opened).get(0).strip();
        assertThat(err.toString()).contains("Confirm with your passkey").contains(url);
        String challenge = url.substring(url.lastIndexOf('/') + 1);

        browser.open(url);
        assertThat(browser.text("#main")).contains("signed in as admin");
        browser.screenshot("passkey-confirm");
        browser.click("confirm-passkey");
        browser.waitFor("#mfa-confirmed");

        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> out.toString().contains("Press Ctrl-C") || !access.isAlive());
        assertThat(access.isAlive()).as("kpam k8s access runs: " + out + err).isTrue();
        Matcher id = SESSION_ID.matcher(out);
        assertThat(id.find()).isTrue();
        Kubectl.Result pods = world.kubectl(Kubectl.V1_33, kubeconfig).run("get", "pods");
        assertThat(pods.exitCode()).as(pods.stderr()).isZero();
        JsonNode session =
            world.call("GET", "/api/v1/sessions/" + id.group(1), world.adminToken, null);
        assertThat(session.get("mfa").asText()).isEqualTo("webauthn");

        // The confirmation was spent: neither a second session nor the page takes it again.
        Map<String, Object> again = new HashMap<>();
        again.put("resource", "prod");
        again.put("account", "admin");
        again.put("duration", "5m");
        again.put("csr", Csrs.create(KeyPairs.generateEcP256(), "again"));
        again.put("mfaChallenge", challenge);
        assertThatThrownBy(() -> world.call("POST", "/api/v1/sessions", world.adminToken, again))
            .hasMessageContaining("403")
            .hasMessageContaining("mfa_invalid");
        browser.open(url);
        assertThat(browser.text("#main")).contains("expired or was answered already");
      } finally {
        Processes.destroy(access);
      }
    }
  }

  /**
   * Step-up with a passkey: an admin's new resource waits on the page that asks, and the passkey
   * button there carries the form's fields through, so that the resource is made as typed.
   */
  @Test
  void aPasskeyStepsUpAnAdminsChangeAndTheChangeGoesThroughAsTyped() {
    try (KpamWorld world = KpamWorld.start(dir, b -> b.adminStepUp(Duration.ofMinutes(15)));
        Browser browser = Browser.start(world.serverUrl())) {
      browser.addPasskeyAuthenticator();
      browser.signIn("admin", KpamWorld.ADMIN_PASSWORD);
      browser.open("/ui/security");
      browser.click("add-passkey");
      browser.fill("passkey-name", "laptop");
      browser.click("register-passkey");
      browser.waitFor("#recovery-codes");

      browser.open("/ui/resources/new");
      browser.fill("name", "staging");
      browser.fill("url", "https://10.0.0.9:6443");
      browser.choose("gateway", "dc1");
      browser.clickOn("#resource-form button[type=submit]");
      browser.waitFor("#step-up-passkey");
      assertThat(browser.text("#step-up-why")).contains("in the last 15m");
      browser.screenshot("step-up");
      browser.click("step-up-passkey");
      browser.waitForPath("/ui/resources");
      browser.waitFor("#resources tr[data-name=\"staging\"]");
      JsonNode resource = world.call("GET", "/api/v1/resources/staging", world.adminToken, null);
      assertThat(resource.get("url").asText()).isEqualTo("https://10.0.0.9:6443");
      assertThat(
              world
                  .call("GET", "/api/v1/audit?action=mfa.step_up", world.adminToken, null)
                  .toString())
          .contains("with webauthn");
    }
  }
}
