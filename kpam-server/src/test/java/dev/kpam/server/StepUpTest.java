package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.crypto.otp.Base32;
import dev.kpam.crypto.otp.Totp;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Step-up ({@code --admin-step-up 15m}): an admin's change in the web UI waits for a second factor
 * given in the last 15 minutes by that sign-in; the page that asks carries the change's fields (not
 * its secrets) and a right code lets it through; a wrong one is refused and changes nothing; within
 * the window no code is asked, after it again; an admin without a factor is told to add one; a
 * member's changes and one's own security settings are never held back.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class StepUpTest {
  private final Backend backend;
  private TestServer server;

  StepUpTest(Backend backend) {
    this.backend = backend;
  }

  @BeforeEach
  void start() {
    server = TestServer.start(backend, b -> b.adminStepUp(Duration.ofMinutes(15)));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static Map<String, String> resourceForm(String csrf, String name) {
    Map<String, String> form = new HashMap<>();
    form.put("_csrf", csrf);
    form.put("name", name);
    form.put("gateway", "dc1");
    form.put("url", "https://kubernetes.default.svc");
    return form;
  }

  private byte[] enrolAdmin() {
    JsonNode started = server.admin.post("/api/v1/mfa/totp", null).expect(201).json();
    byte[] secret = Base32.decode(started.get("secret").asText());
    server
        .admin
        .post(
            "/api/v1/mfa/totp/" + started.get("factorId").asText() + "/confirm",
            Map.of("code", Totp.codeAt(secret, server.clock.instant())))
        .expect(200);
    return secret;
  }

  @Test
  void anAdminsChangeWaitsForARecentSecondFactorAndGoesThroughWithIt() {
    Fixtures.enrolledGateway(server, "dc1");
    FormClient admin = FormClient.signedIn(server, "admin", TestServer.ADMIN_PASSWORD);
    String csrf = admin.get("/ui/resources/new").expect(200).csrf();

    String noFactor = admin.post("/ui/resources", resourceForm(csrf, "prod")).expect(403).html();
    assertThat(noFactor).contains("id=\"step-up-no-factor\"", "Security");
    server.admin.get("/api/v1/resources/prod").expect(404);

    byte[] secret = enrolAdmin();
    String asked = admin.post("/ui/resources", resourceForm(csrf, "prod")).expect(403).html();
    assertThat(asked)
        .contains("Confirm it is you", "name=\"_stepup_code\"", "in the last 15m")
        .contains("name=\"name\" value=\"prod\"", "value=\"https://kubernetes.default.svc\"");

    Map<String, String> wrong = resourceForm(csrf, "prod");
    wrong.put("_stepup_code", "000000");
    assertThat(admin.post("/ui/resources", wrong).expect(403).html())
        .contains("id=\"step-up-error\"", "wrong second-factor code");
    server.admin.get("/api/v1/resources/prod").expect(404);

    server.clock.advance(Duration.ofSeconds(30));
    Map<String, String> right = resourceForm(csrf, "prod");
    right.put("_stepup_code", Totp.codeAt(secret, server.clock.instant()));
    admin.post("/ui/resources", right).expectRedirect("/ui/resources");
    server.admin.get("/api/v1/resources/prod").expect(200);
    assertThat(server.admin.get("/api/v1/audit?action=mfa.step_up").expect(200).body())
        .contains("admin", "with totp");

    admin.post("/ui/resources", resourceForm(csrf, "staging")).expectRedirect("/ui/resources");
    server.clock.advance(Duration.ofMinutes(16));
    admin.post("/ui/resources", resourceForm(csrf, "dev")).expect(403);
    server.admin.get("/api/v1/resources/dev").expect(404);
  }

  @Test
  void secretsAreNotWrittenIntoTheStepUpPageAndOwnSettingsAreNotHeldBack() {
    enrolAdmin();
    FormClient admin = FormClient.signedIn(server, "admin", TestServer.ADMIN_PASSWORD);
    String csrf = admin.get("/ui/users/new").expect(200).csrf();
    Map<String, String> user = new HashMap<>();
    user.put("_csrf", csrf);
    user.put("name", "dave");
    user.put("role", "member");
    user.put("password", "dave-password-1234");
    String asked = admin.post("/ui/users", user).expect(403).html();
    assertThat(asked)
        .contains("id=\"step-up-secrets\"", "name=\"name\" value=\"dave\"")
        .doesNotContain("dave-password-1234");

    admin.post("/ui/security/totp", Map.of("_csrf", csrf)).expect(200);

    server.user("bob", "member");
    FormClient bob = FormClient.signedIn(server, "bob", "bob-password-123");
    String bobCsrf = bob.get("/ui/security").expect(200).csrf();
    bob.post("/ui/security/totp", Map.of("_csrf", bobCsrf)).expect(200);
  }
}
