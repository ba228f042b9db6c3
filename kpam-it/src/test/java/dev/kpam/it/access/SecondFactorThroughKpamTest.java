package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.crypto.otp.Base32;
import dev.kpam.crypto.otp.Totp;
import dev.kpam.testing.kube.Kubectl;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * {@code kpam k8s access} to an account that requires a second factor, {@code kpam.jar} in a
 * process of its own: refused with what to do when no code is given and there is no terminal,
 * opened with a code computed from the enrolled authenticator app's secret, kubectl working through
 * it, the session saying which factor opened it, and the same code refused the second time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecondFactorThroughKpamTest {
  private static final Pattern SESSION_ID =
      Pattern.compile("([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

  @TempDir static Path dir;
  private KpamWorld world;
  private String aliceToken;
  private byte[] secret;

  @BeforeAll
  void start() {
    assertThat(KpamWorld.KPAM_JAR).as("built before kpam-it runs (mvn verify)").exists();
    world = KpamWorld.start(dir);
    world.call(
        "POST",
        "/api/v1/users",
        world.adminToken,
        Map.of("name", "alice", "role", "member", "password", "alice-password-123"));
    aliceToken =
        world
            .call(
                "POST",
                "/api/v1/auth/login",
                null,
                Map.of("username", "alice", "password", "alice-password-123"))
            .get("token")
            .asText();
    world.call(
        "POST",
        "/api/v1/resources/prod/accounts/admin/grants",
        world.adminToken,
        Map.of("user", "alice"));
    world.call(
        "PATCH",
        "/api/v1/resources/prod/accounts/admin",
        world.adminToken,
        Map.of("access", Map.of("requiresMfa", true)));
    JsonNode enrolment = world.call("POST", "/api/v1/mfa/totp", aliceToken, null);
    secret = Base32.decode(enrolment.get("secret").asText());
    world.call(
        "POST",
        "/api/v1/mfa/totp/" + enrolment.get("factorId").asText() + "/confirm",
        aliceToken,
        Map.of("code", Totp.codeAt(secret, Instant.now())));
  }

  @AfterAll
  void stop() {
    if (world != null) world.close();
  }

  private Process access(Path kubeconfig, String... extra) throws Exception {
    return KpamProcess.access(world, dir, "alice", aliceToken, kubeconfig, Map.of(), extra);
  }

  @Test
  void theSessionOpensWithACodeOfTheAppOnceAndSaysWhichFactorOpenedIt() throws Exception {
    Process refused = access(dir.resolve("refused-kubeconfig"));
    StringBuffer refusedErr = Processes.collect(refused.getErrorStream());
    Processes.collect(refused.getInputStream());
    assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(refused.exitValue()).isNotZero();
    assertThat(refusedErr.toString())
        .contains("account prod/admin requires a second factor")
        .contains("--mfa-code");

    // The next step's code: the enrolment spent this step's.
    String code = Totp.code(secret, Totp.step(Instant.now()) + 1);
    Path kubeconfig = dir.resolve("alice-kubeconfig");
    Process access = access(kubeconfig, "--mfa-code", code);
    try {
      StringBuffer out = Processes.collect(access.getInputStream());
      StringBuffer err = Processes.collect(access.getErrorStream());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> out.toString().contains("Press Ctrl-C") || !access.isAlive());
      assertThat(access.isAlive()).as("kpam k8s access runs: " + out + err).isTrue();
      Matcher id = SESSION_ID.matcher(out);
      assertThat(id.find()).isTrue();

      Kubectl.Result pods = world.kubectl(Kubectl.V1_33, kubeconfig).run("get", "pods");
      assertThat(pods.exitCode()).as(pods.stderr()).isZero();
      assertThat(pods.stdout()).contains("web");
      JsonNode session =
          world.call("GET", "/api/v1/sessions/" + id.group(1), world.adminToken, null);
      assertThat(session.get("mfa").asText()).isEqualTo("totp");
      assertThat(out.toString() + err).doesNotContain(code);

      Process again = access(dir.resolve("again-kubeconfig"), "--mfa-code", code);
      StringBuffer againErr = Processes.collect(again.getErrorStream());
      Processes.collect(again.getInputStream());
      assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(again.exitValue()).isNotZero();
      assertThat(againErr.toString()).contains("that code was used already");
    } finally {
      Processes.destroy(access);
    }
  }
}
