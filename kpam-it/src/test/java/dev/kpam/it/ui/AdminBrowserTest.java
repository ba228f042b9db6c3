package dev.kpam.it.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.it.access.KpamWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An admin's tour of the gateways, users and audit pages of a whole kpam system, in Chromium: the
 * enrollment command the page shows really starts a gateway.
 */
final class AdminBrowserTest {
  private static final Path KPAM_JAR =
      Path.of("..", "kpam-app", "target", "kpam.jar").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void adminCreatesAGatewayWhoseShownCommandEnrollsItThenAUserAndSeesBothInTheAuditLog()
      throws Exception {
    try (KpamWorld world = KpamWorld.start(dir);
        Browser browser = Browser.start(world.serverUrl())) {
      browser.signIn("admin", KpamWorld.ADMIN_PASSWORD);

      waitUntilOnline(browser, "dc1");
      assertThat(browser.text("#gateways tr[data-name=\"dc1\"] .ago")).endsWith("s ago)");
      browser.screenshot("gateways");

      browser.click("new-gateway");
      browser.fill("name", "dc2");
      browser.click("save");
      String token = browser.text("#enroll-token");
      String command = browser.text("#enroll-command");
      assertThat(token).startsWith("kpge_");
      assertThat(command)
          .isEqualTo(
              "kpam gateway --server "
                  + world.serverUrl()
                  + " --enroll-token "
                  + token
                  + " --name dc2");
      browser.screenshot("gateway-created");

      Process gateway = startAsShown(command);
      try {
        waitUntilOnline(browser, "dc2");
        assertThat(browser.text("body")).doesNotContain(token);
      } finally {
        gateway.destroy();
        gateway.waitFor();
      }

      browser.open("/ui/users");
      browser.click("new-user");
      browser.fill("name", "erin");
      browser.fill("password", "erin-password-1234");
      browser.click("save");
      browser.waitForPath("/ui/users");
      assertThat(browser.text("#users tr[data-name=\"erin\"] .role")).isEqualTo("member");
      browser.screenshot("users");

      browser.open("/ui/audit");
      // Newest first: the user, then the gateway's enrollment, then its creation.
      String audit = browser.text("#audit tbody").replaceAll("\\s+", " ");
      int user = audit.indexOf("admin user.create user:erin");
      int enrolled = audit.indexOf("gateway:dc2 gateway.enroll gateway:dc2");
      int created = audit.indexOf("admin gateway.create gateway:dc2");
      assertThat(user).as("user.create of erin in %s", audit).isNotNegative();
      assertThat(enrolled).as("enrollment of dc2 in %s", audit).isGreaterThan(user);
      assertThat(created).as("creation of dc2 in %s", audit).isGreaterThan(enrolled);
      assertThat(browser.text("body")).doesNotContain(token).doesNotContain("erin-password-1234");
      browser.screenshot("audit");
    }
  }

  /** Reloads the gateways page until the gateway's row says online. */
  private static void waitUntilOnline(Browser browser, String gateway) {
    String status = "#gateways tr[data-name=\"" + gateway + "\"] .status";
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              browser.open("/ui/gateways");
              return "online".equals(browser.text(status));
            });
  }

  /** Runs the command as shown, with {@code kpam} being this build's jar, in its own data dir. */
  private Process startAsShown(String command) throws Exception {
    List<String> args = new ArrayList<>(Arrays.asList(command.split(" ")));
    assertThat(args.remove(0)).isEqualTo("kpam");
    args.addAll(0, List.of("java", "-jar", KPAM_JAR.toString()));
    args.addAll(List.of("--data-dir", dir.resolve("dc2").toString()));
    Path log = dir.resolve("dc2.log");
    Files.createDirectories(dir.resolve("dc2"));
    return new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
