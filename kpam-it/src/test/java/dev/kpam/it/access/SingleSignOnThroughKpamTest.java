package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.cli.access.AccessSession;
import dev.kpam.cli.api.ConfigStore;
import dev.kpam.cli.api.SavedLogin;
import dev.kpam.testing.kube.Kubectl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kpam login --sso} as a person runs it, {@code kpam.jar} in a process of its own against a
 * real OpenID Connect provider: the test plays the browser on the URL the CLI prints (no browser on
 * this machine), through the provider and kpam's callback to the CLI's loopback. The user made at
 * that sign-in uses a grant of their IdP group through the whole path with kubectl, and loses it,
 * and the open session, when the provider drops them from the group.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SingleSignOnThroughKpamTest {
  private static final Pattern PRINTED_URL = Pattern.compile("open this URL:\\s+(\\S+)");
  private static final HttpClient BROWSER =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

  @TempDir static Path dir;
  private TestIdentityProvider idp;
  private KpamWorld world;

  @BeforeAll
  void start() {
    assertThat(KpamWorld.KPAM_JAR).as("built before kpam-it runs (mvn verify)").exists();
    idp = TestIdentityProvider.start();
    world = KpamWorld.start(dir, server -> server.oidc(idp.settings("kpam-admins", null)));
    world.call(
        "POST",
        "/api/v1/resources/prod/accounts/admin/grants",
        world.adminToken,
        Map.of("user", "group:sre"));
  }

  @AfterAll
  void stop() {
    if (world != null) world.close();
    if (idp != null) idp.close();
  }

  /** Runs {@code kpam login --sso} and plays the browser; returns the CLI's exit and output. */
  private Login login(Path config) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "java",
                "-jar",
                KpamWorld.KPAM_JAR.toString(),
                "login",
                "--server",
                world.serverUrl().toString(),
                "--sso"));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("KPAM_CONFIG_DIR", config.toString());
    builder.environment().put("HOME", dir.resolve("home").toString());
    builder.environment().put("KPAM_BROWSER", ""); // print the URL, open nothing
    builder.environment().remove("DISPLAY");
    Process cli = builder.start();
    try {
      StringBuffer out = Processes.collect(cli.getInputStream());
      StringBuffer err = Processes.collect(cli.getErrorStream());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> PRINTED_URL.matcher(err).find() || !cli.isAlive());
      Matcher url = PRINTED_URL.matcher(err);
      assertThat(url.find()).as("the CLI prints the sign-in URL: " + err + out).isTrue();
      HttpResponse<String> page =
          BROWSER.send(
              HttpRequest.newBuilder(URI.create(url.group(1))).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return new Login(cli.exitValue(), out.toString(), err.toString(), page);
    } finally {
      Processes.destroy(cli);
    }
  }

  private record Login(int exitCode, String out, String err, HttpResponse<String> page) {}

  @Test
  void aPersonOfAGroupSignsInOnTheCommandLineAndUsesTheGroupsGrantUntilTheGroupDropsThem()
      throws Exception {
    Path config = dir.resolve("bob-config");
    idp.nextSignIn("sub-bob", "bob", List.of("sre"));

    Login login = login(config);

    assertThat(login.exitCode()).as(login.err()).isZero();
    assertThat(login.out()).contains("as bob (member)");
    assertThat(login.page().uri().getHost()).isEqualTo("127.0.0.1");
    assertThat(login.page().body()).contains("Signed in to kpam");
    SavedLogin saved = new ConfigStore(config).load().orElseThrow();
    assertThat(saved.user()).isEqualTo("bob");
    assertThat(login.err() + login.out()).doesNotContain(TestIdentityProvider.CLIENT_SECRET);

    Path kubeconfig = dir.resolve("bob-kubeconfig");
    String sessionId;
    try (AccessSession access =
        world.access(
            "bob", saved.token(), "prod", "admin", "10m", kubeconfig, Duration.ofMillis(200))) {
      sessionId = access.sessionId();
      Kubectl.Result pods = world.kubectl(Kubectl.V1_33, kubeconfig).run("get", "pods");
      assertThat(pods.exitCode()).as(pods.stderr()).isZero();
      assertThat(pods.stdout()).contains("web");

      // The provider no longer has bob in sre; his next sign-in ends the session that stood on it.
      idp.nextSignIn("sub-bob", "bob", List.of("dev"));
      assertThat(login(dir.resolve("bob-again")).exitCode()).isZero();

      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  world
                      .call("GET", "/api/v1/sessions/" + sessionId, world.adminToken, null)
                      .get("status")
                      .asText()
                      .equals("TERMINATED"));
      Kubectl.Result after = world.kubectl(Kubectl.V1_33, kubeconfig).run("get", "pods");
      assertThat(after.exitCode()).isNotZero();
    }
    JsonNode session = world.call("GET", "/api/v1/sessions/" + sessionId, world.adminToken, null);
    assertThat(session.get("user").asText()).isEqualTo("bob");
    assertThat(session.get("endReason").asText()).contains("groups or role of bob changed");
  }

  @Test
  void anAdminGroupMakesAnAdminAndARefusedSignInIsSaidOnTheTerminalAndInTheBrowser()
      throws Exception {
    idp.nextSignIn("sub-carol", "carol", List.of("kpam-admins"));
    Login admin = login(dir.resolve("carol-config"));
    assertThat(admin.exitCode()).as(admin.err()).isZero();
    assertThat(admin.out()).contains("as carol (admin)");

    idp.nextSignIn("sub-dave", "Dave Smith", List.of());
    Login refused = login(dir.resolve("dave-config"));

    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err())
        .contains("single sign-on failed")
        .contains("'Dave Smith' cannot be a kpam user name");
    assertThat(refused.page().body()).contains("kpam sign-in failed");
  }

  /** Starts {@code kpam login --sso --device} and waits until it shows the code to enter. */
  private record DeviceCli(Process cli, StringBuffer out, StringBuffer err) {}

  private DeviceCli deviceLogin(Path config) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
            "java",
            "-jar",
            KpamWorld.KPAM_JAR.toString(),
            "login",
            "--server",
            world.serverUrl().toString(),
            "--sso",
            "--device");
    builder.environment().put("KPAM_CONFIG_DIR", config.toString());
    builder.environment().put("HOME", dir.resolve("home").toString());
    builder.environment().remove("DISPLAY");
    Process cli = builder.start();
    StringBuffer out = Processes.collect(cli.getInputStream());
    StringBuffer err = Processes.collect(cli.getErrorStream());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> USER_CODE.matcher(err).find() || !cli.isAlive());
    return new DeviceCli(cli, out, err);
  }

  private static final Pattern USER_CODE = Pattern.compile("\\n {4}([0-9A-F]{4}-[0-9A-F]{4})\\n");

  @Test
  void aMachineWithoutABrowserSignsInWithACodeEnteredOnAnotherDevice() throws Exception {
    Path config = dir.resolve("carol-config");
    DeviceCli device = deviceLogin(config);
    Process cli = device.cli();
    StringBuffer err = device.err();
    try {
      Matcher code = USER_CODE.matcher(err);
      assertThat(code.find()).as("the CLI shows the code: " + err).isTrue();
      assertThat(err.toString())
          .contains("To sign in with Corp IdP, open http://")
          .contains("/device");
      assertThat(cli.isAlive()).as("waits for the other device").isTrue();

      idp.approveDevice(code.group(1), "sub-carol", "carol", List.of("sre"));
      assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(cli.exitValue()).as(err.toString()).isZero();
      assertThat(device.out().toString()).contains("as carol (member)");
    } finally {
      Processes.destroy(cli);
    }
    SavedLogin saved = new ConfigStore(config).load().orElseThrow();
    assertThat(saved.user()).isEqualTo("carol");
    JsonNode whoami = world.call("GET", "/api/v1/auth/whoami", saved.token(), null);
    assertThat(whoami.toString()).contains("carol");
    assertThat(
            world
                .call("GET", "/api/v1/audit?action=auth.sso.login", world.adminToken, null)
                .toString())
        .contains("CLI on another device");

    DeviceCli declined = deviceLogin(dir.resolve("declined-config"));
    try {
      Matcher again = USER_CODE.matcher(declined.err());
      assertThat(again.find()).isTrue();
      idp.declineDevice(again.group(1));
      assertThat(declined.cli().waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(declined.cli().exitValue()).isNotZero();
      assertThat(declined.err().toString()).contains("declined on the other device");
    } finally {
      Processes.destroy(declined.cli());
    }
  }
}
