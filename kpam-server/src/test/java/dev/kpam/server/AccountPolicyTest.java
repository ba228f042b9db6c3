package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An account's Kubernetes policy through the API: set by preset or by rules, validated with the
 * field named, shown on the account, handed to the gateway with each lookup, pushed as changed, and
 * audited. The gateway enforces it (KubeProxyTest, and end to end PolicyThroughKpamTest).
 */
@ParameterizedClass
@EnumSource(Backend.class)
class AccountPolicyTest extends ServerTestBase {
  private static final String ACCOUNT = "/api/v1/resources/prod/accounts/admin";
  private Fixtures.Enrolled dc1;

  AccountPolicyTest(Backend backend) {
    super(backend);
  }

  @BeforeEach
  void anAccount() {
    dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
  }

  @Test
  void aPresetIsStoredShownAndHandedToTheGatewayWithTheLookup() {
    JsonNode account =
        server.admin.patch(ACCOUNT, Map.of("preset", "read-only")).expect(200).json();

    assertThat(account.at("/policy/preset").asText()).isEqualTo("read-only");
    assertThat(account.at("/policy/rules/0/effect").asText()).isEqualTo("deny");
    assertThat(account.at("/policy/rules/0/resources/0").asText()).isEqualTo("secrets");
    String session = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    JsonNode lookup = dc1.api().get("/api/v1/gateway/sessions/" + session).expect(200).json();
    assertThat(lookup.at("/policy/preset").asText()).isEqualTo("read-only");
    assertThat(lookup.at("/policy/rules").size()).isEqualTo(2);
  }

  @Test
  void rulesAreValidatedAndTheWrongFieldIsNamed() {
    Map<String, Object> typo =
        Map.of(
            "policy",
            Map.of(
                "rules",
                List.of(
                    Map.of("effect", "allow", "verbs", List.of("get")),
                    Map.of("effect", "allow", "verbs", List.of("ecex")))));

    String message =
        server.admin.patch(ACCOUNT, typo).expectError(400, "invalid_argument").message();

    assertThat(message).startsWith("policy.rules[1].verbs: unknown verb 'ecex'");
    assertThat(
            server
                .admin
                .patch(ACCOUNT, Map.of("preset", "namespaces:"))
                .expectError(400, "invalid_argument")
                .message())
        .startsWith("preset: name at least one namespace");
    assertThat(server.admin.get(ACCOUNT).json().get("policy").isNull()).isTrue();
  }

  @Test
  void customRulesReplaceAPresetAndNoneRemovesThePolicy() throws Exception {
    server.admin.patch(ACCOUNT, Map.of("preset", "no-exec")).expect(200);
    try (PushStream push = new PushStream(server, dc1.api().token())) {
      push.awaitConnected();
      Map<String, Object> rules =
          Map.of(
              "policy",
              Map.of(
                  "rules",
                  List.of(
                      Map.of(
                          "effect",
                          "allow",
                          "verbs",
                          List.of("get", "list"),
                          "namespaces",
                          List.of("web-*")))));
      JsonNode custom = server.admin.patch(ACCOUNT, rules).expect(200).json();
      assertThat(custom.at("/policy/preset").isMissingNode()).isTrue();
      assertThat(custom.at("/policy/rules/0/namespaces/0").asText()).isEqualTo("web-*");
      assertThat(push.nextEvent(Duration.ofSeconds(5))).contains("event: account.changed");
    }

    JsonNode removed = server.admin.patch(ACCOUNT, Map.of("preset", "none")).expect(200).json();

    assertThat(removed.get("policy").isNull()).isTrue();
    JsonNode audit = server.admin.get("/api/v1/audit?action=account.update").json().get("items");
    assertThat(audit.findValuesAsText("details"))
        .contains("policy removed")
        .anyMatch(details -> details.startsWith("policy={\"rules\":[{\"effect\":\"allow\""));
  }

  @Test
  void anAccountCanBeCreatedWithAPolicy() {
    JsonNode created =
        server
            .admin
            .post(
                "/api/v1/resources/prod/accounts",
                Map.of("name", "team", "token", "sa-token-2", "preset", "namespaces: web, api"))
            .expect(201)
            .json();

    assertThat(created.at("/policy/preset").asText()).isEqualTo("namespaces:web,api");
    assertThat(server.admin.get("/api/v1/resources/prod/accounts").json().toString())
        .contains("namespaces:web,api");
  }
}
