package dev.kpam.it.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.it.access.KpamWorld;
import dev.kpam.testing.kube.Kubectl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exec recorded by the gateway, played back on its recording page in Chromium: the asciinema
 * player (built from the npm registry, served by the server) draws what kubectl printed, and the
 * plain-text transcript has it without its escape sequences.
 */
final class RecordingBrowserTest {
  @TempDir Path dir;

  @Test
  void anExecRecordingPlaysInTheBrowserAndItsTranscriptIsPlainText() throws Exception {
    try (KpamWorld world = KpamWorld.start(dir)) {
      Path kubeconfig = dir.resolve("kubeconfig");
      String sessionId;
      String output = "\u001b[1;32mgreen-line-from-the-pod\u001b[0m\nsecond line: ünïcödé ✓\n";
      try (AccessSession access = world.access("1h", kubeconfig)) {
        sessionId = access.sessionId();
        Kubectl.Result exec =
            world
                .kubectl(Kubectl.V1_33, kubeconfig)
                .run(output.getBytes(StandardCharsets.UTF_8), "exec", "-i", "web", "--", "cat");
        assertThat(exec.exitCode()).as(exec.stderr()).isZero();
        assertThat(exec.stdout()).isEqualTo(output);
      }
      String recordingId = world.awaitFinishedRecording(sessionId);

      try (Browser browser = Browser.start(world.serverUrl())) {
        browser.signIn("admin", KpamWorld.ADMIN_PASSWORD);

        String page = "/ui/sessions/" + sessionId + "/recordings/" + recordingId;
        browser.open(page);
        assertThat(browser.text("#meta-pod")).isEqualTo("web");
        assertThat(browser.text("#meta-command")).isEqualTo("cat");
        assertThat(browser.text("#transcript"))
            .isEqualTo("green-line-from-the-pod\nsecond line: ünïcödé ✓");
        assertThat(browser.waitFor("#download-cast").getAttribute("href")).endsWith(page + "/cast");

        // The player shows a start button over the first frame; playing draws the output.
        browser.waitFor("#player .ap-player .ap-overlay-start").click();
        await()
            .atMost(Duration.ofSeconds(15))
            .untilAsserted(
                () ->
                    assertThat(browser.waitFor("#player .ap-term").getText())
                        .contains("green-line-from-the-pod")
                        // No TTY: the player shows bare LF line ends as the user's terminal did.
                        .containsPattern("(?m)^second line: ünïcödé ✓"));
        browser.screenshot("recording");
      }
    }
  }
}
