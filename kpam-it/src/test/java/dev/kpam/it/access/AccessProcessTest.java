package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.api.ConfigStore;
import dev.kpam.cli.api.SavedLogin;
import dev.kpam.testing.kube.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kpam k8s access} as people run it: the real executable in its own process, stopped with
 * Ctrl-C (SIGINT) or killed with SIGKILL, against the user's own kubeconfig.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessProcessTest {
  private static final String ORIGINAL_KUBECONFIG =
      "apiVersion: v1\nkind: Config\n# the user's own cluster\nclusters:\n- cluster:\n    server: https://10.9.8.7:6443\n"
          + "  name: home\ncontexts:\n- context:\n    cluster: home\n    user: me\n  name: home\n"
          + "current-context: home\nusers:\n- name: me\n  user:\n    token: my-own-token\n";
  private static final Pattern SESSION_ID =
      Pattern.compile("([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

  @TempDir static Path dir;
  private KpamWorld world;

  @BeforeAll
  void start() {
    assertThat(KpamWorld.KPAM_JAR)
        .as("the executable is built before kpam-it runs (mvn verify)")
        .exists();
    world = KpamWorld.start(dir);
  }

  @AfterAll
  void stop() {
    if (world != null) world.close();
  }

  private Path configDir(String name) {
    Path config = dir.resolve(name + "-config");
    new ConfigStore(config)
        .save(new SavedLogin(world.serverUrl().toString(), "admin", world.adminToken, null));
    return config;
  }

  private Process kpam(Path config, Path kubeconfig, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", KpamWorld.KPAM_JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("KPAM_CONFIG_DIR", config.toString());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("HOME", dir.resolve("home").toString());
    return builder.start();
  }

  private String awaitSession(Process access, StringBuffer out) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> out.toString().contains("Press Ctrl-C") || !access.isAlive());
    assertThat(access.isAlive()).as("kpam k8s access is running: " + out).isTrue();
    Matcher id = SESSION_ID.matcher(out);
    assertThat(id.find()).as(out.toString()).isTrue();
    return id.group(1);
  }

  private String status(String sessionId) {
    return world
        .call("GET", "/api/v1/sessions/" + sessionId, world.adminToken, null)
        .get("status")
        .asText();
  }

  @Test
  void ctrlCEndsTheSessionAndRestoresTheKubeconfigExactly() throws Exception {
    Path kubeconfig = dir.resolve("ctrl-c-kubeconfig");
    Files.writeString(kubeconfig, ORIGINAL_KUBECONFIG);
    Process access =
        kpam(
            configDir("ctrl-c"),
            kubeconfig,
            "k8s",
            "access",
            "--resource",
            "prod",
            "--account",
            "admin",
            "--duration",
            "10m");
    try {
      StringBuffer out = Processes.collect(access.getInputStream());
      Processes.collect(access.getErrorStream());
      String sessionId = awaitSession(access, out);
      assertThat(Files.readString(kubeconfig)).contains("current-context: kpam/prod/admin");
      Kubectl.Result pods = world.kubectl(Kubectl.V1_33, kubeconfig).run("get", "pods");
      assertThat(pods.exitCode()).as(pods.stderr()).isZero();
      assertThat(pods.stdout()).contains("web");

      new ProcessBuilder("kill", "-INT", Long.toString(access.pid())).start().waitFor();
      assertThat(access.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(access.exitValue()).isZero();
      assertThat(Files.readString(kubeconfig)).isEqualTo(ORIGINAL_KUBECONFIG);
      assertThat(status(sessionId)).isEqualTo("ENDED");
    } finally {
      Processes.destroy(access);
    }
  }

  @Test
  void aRunKilledWithSigkillIsRepairedByTheNextKpamCommand() throws Exception {
    Path kubeconfig = dir.resolve("killed-kubeconfig");
    Files.writeString(kubeconfig, ORIGINAL_KUBECONFIG);
    Path config = configDir("killed");
    Process access =
        kpam(
            config,
            kubeconfig,
            "k8s",
            "access",
            "--resource",
            "prod",
            "--account",
            "admin",
            "--duration",
            "10m");
    String sessionId;
    try {
      StringBuffer out = Processes.collect(access.getInputStream());
      Processes.collect(access.getErrorStream());
      sessionId = awaitSession(access, out);
    } finally {
      access.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(Files.readString(kubeconfig)).contains("kpam/prod/admin");
    assertThat(status(sessionId)).isEqualTo("ACTIVE");

    Process next = kpam(config, kubeconfig, "sessions", "list");
    StringBuffer listed = Processes.collect(next.getInputStream());
    Processes.collect(next.getErrorStream());
    assertThat(next.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(next.exitValue()).as(listed.toString()).isZero();

    String repaired = Files.readString(kubeconfig);
    assertThat(repaired)
        .doesNotContain("kpam/")
        .contains("current-context: home")
        .contains("my-own-token");
    assertThat(status(sessionId)).isEqualTo("ENDED");
  }
}
