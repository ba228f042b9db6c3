package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.crypto.otp.Base32;
import dev.kpam.crypto.otp.Totp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Second factors: an authenticator app enrolled with a computed code, recovery codes, an account
 * that requires a factor asking once when a session opens and recording which, every code working
 * once, wrong codes throttled like passwords, and the secret never shown after enrolment.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class SecondFactorTest extends ServerTestBase {
  private Api alice;

  SecondFactorTest(Backend backend) {
    super(backend);
  }

  @BeforeEach
  void anAccountThatRequiresASecondFactor() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    alice = server.user("alice", "member");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "alice"))
        .expect(200);
    JsonNode account =
        server
            .admin
            .patch(
                "/api/v1/resources/prod/accounts/admin",
                Map.of("access", Map.of("requiresMfa", true)))
            .expect(200)
            .json();
    assertThat(account.get("access").get("requiresMfa").asBoolean()).isTrue();
  }

  /** Enrols an authenticator app for {@code user}; returns its secret and the recovery codes. */
  private Enrolled enrol(Api user) {
    JsonNode started = user.post("/api/v1/mfa/totp", null).expect(201).json();
    byte[] secret = Base32.decode(started.get("secret").asText());
    assertThat(started.get("uri").asText())
        .startsWith("otpauth://totp/kpam:")
        .contains("secret=" + started.get("secret").asText());
    String id = started.get("factorId").asText();
    user.post("/api/v1/mfa/totp/" + id + "/confirm", Map.of("code", "000000"))
        .expectError(403, "mfa_invalid");
    JsonNode codes =
        user.post("/api/v1/mfa/totp/" + id + "/confirm", Map.of("code", codeNow(secret)))
            .expect(200)
            .json()
            .get("codes");
    List<String> recovery = new ArrayList<>();
    codes.forEach(c -> recovery.add(c.asText()));
    return new Enrolled(id, secret, recovery);
  }

  private record Enrolled(String id, byte[] secret, List<String> recovery) {}

  private String codeNow(byte[] secret) {
    return Totp.codeAt(secret, server.clock.instant());
  }

  private Api.Response open(Api user, String mfaCode) {
    Map<String, Object> body =
        new java.util.HashMap<>(
            Map.of(
                "resource", "prod", "account", "admin", "duration", "1h", "csr", Fixtures.csr()));
    if (mfaCode != null) body.put("mfaCode", mfaCode);
    return user.post("/api/v1/sessions", body);
  }

  @Test
  void aSessionOnTheAccountOpensOnlyWithACodeOfTheUsersAppAndSaysSo() {
    assertThat(open(alice, null).expectError(403, "mfa_not_enrolled").message())
        .contains("account prod/admin requires a second factor and you have none")
        .contains("Security");
    Enrolled app = enrol(alice);

    assertThat(open(alice, null).expectError(403, "mfa_required").message())
        .contains("give the 6-digit code of your authenticator app");
    server.clock.advance(Duration.ofSeconds(30));
    JsonNode session = open(alice, codeNow(app.secret())).expect(201).json().get("session");

    assertThat(session.get("mfa").asText()).isEqualTo("totp");
    JsonNode listed = server.admin.get("/api/v1/sessions/" + session.get("id").asText()).json();
    assertThat(listed.get("mfa").asText()).isEqualTo("totp");
    assertThat(server.admin.get("/api/v1/audit?action=session.create").expect(200).body())
        .contains("with MFA (totp)");
  }

  @Test
  void aCodeWorksOnceAndTheNextStepsCodeAfterIt() {
    Enrolled app = enrol(alice);
    server.clock.advance(Duration.ofSeconds(30));
    String code = codeNow(app.secret());
    open(alice, code).expect(201);

    assertThat(open(alice, code).expectError(403, "mfa_invalid").message())
        .contains("that code was used already");
    server.clock.advance(Duration.ofSeconds(30));
    open(alice, codeNow(app.secret())).expect(201);
  }

  @Test
  void aRecoveryCodeStandsInForTheAppOnce() {
    Enrolled app = enrol(alice);
    assertThat(app.recovery()).hasSize(10).doesNotHaveDuplicates();
    String recovery = app.recovery().get(3);

    JsonNode session = open(alice, recovery).expect(201).json().get("session");
    assertThat(session.get("mfa").asText()).isEqualTo("recovery");
    open(alice, recovery).expectError(403, "mfa_invalid");
  }

  /**
   * What is refused without an authenticator (the passkey ceremony itself runs in Chromium's
   * virtual authenticator, kpam-it's PasskeyBrowserTest): a confirmation for a user without a
   * passkey, a session naming a confirmation that was never verified, an unknown one.
   */
  @Test
  void passkeyConfirmationsAreRefusedWhereThereIsNothingToConfirm() {
    enrol(alice);
    assertThat(
            alice
                .post("/api/v1/mfa/webauthn/challenges", null)
                .expectError(409, "conflict")
                .message())
        .contains("you have no passkey");
    Map<String, Object> body =
        new java.util.HashMap<>(
            Map.of(
                "resource", "prod", "account", "admin", "duration", "1h", "csr", Fixtures.csr()));
    body.put("mfaChallenge", "mfa_not-a-confirmation");
    assertThat(alice.post("/api/v1/sessions", body).expectError(403, "mfa_invalid").message())
        .contains("used already or has expired");
    alice.get("/api/v1/mfa/webauthn/challenges/mfa_unknown").expectError(404, "not_found");
    assertThat(server.anonymous.get("/ui/mfa/mfa_unknown").status()).isEqualTo(404);
  }

  @Test
  void wrongCodesAreThrottledLikePasswords() {
    enrol(alice);
    int refused = 0;
    for (int i = 0; i < 20; i++) {
      int status = open(alice, "12345" + (i % 10)).status();
      if (status == 429) {
        refused++;
        break;
      }
      assertThat(status).isEqualTo(403);
    }
    assertThat(refused).as("a 429 within 20 wrong codes").isEqualTo(1);
    assertThat(server.admin.get("/api/v1/audit?action=mfa.throttled").expect(200).body())
        .contains("alice");
  }

  @Test
  void theSecretIsShownOnceAndNeverAgain() {
    JsonNode started = alice.post("/api/v1/mfa/totp", null).expect(201).json();
    String secret = started.get("secret").asText();
    alice
        .post(
            "/api/v1/mfa/totp/" + started.get("factorId").asText() + "/confirm",
            Map.of("code", codeNow(Base32.decode(secret))))
        .expect(200);

    String factors = alice.get("/api/v1/mfa/factors").expect(200).body();
    assertThat(factors).contains("\"confirmed\":true").doesNotContain(secret);
    assertThat(server.admin.get("/api/v1/audit?limit=1000").expect(200).body())
        .contains("mfa.enrol")
        .doesNotContain(secret);

    alice.delete("/api/v1/mfa/factors/" + started.get("factorId").asText()).expect(204);
    assertThat(open(alice, null).expectError(403, "mfa_not_enrolled")).isNotNull();
  }
}
