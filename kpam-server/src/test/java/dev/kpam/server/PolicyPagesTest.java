package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The policy editor of the web UI over plain HTTP: save, errors next to the field, what-if. */
@ParameterizedClass
@EnumSource(Backend.class)
class PolicyPagesTest extends ServerTestBase {
  private static final String PAGE = "/ui/resources/prod/accounts/admin/policy";

  PolicyPagesTest(Backend backend) {
    super(backend);
  }

  @BeforeEach
  void anAccount() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
  }

  private FormClient admin() {
    return FormClient.signedIn(server, "admin", TestServer.ADMIN_PASSWORD);
  }

  @Test
  void anAdminSavesAPolicyAsYamlAndTheListShowsIt() {
    FormClient admin = admin();
    FormClient.Page page = admin.get(PAGE).expect(200);
    assertThat(page.html()).contains("Now: none: sessions may do all the service account may.");

    String yaml =
        """
        rules:
          - effect: deny
            verbs: [delete]
            namespaces: [kube-*]
          - effect: allow
            verbs: ["*"]
        """;
    admin
        .post(PAGE, Map.of("_csrf", page.csrf(), "policy", yaml, "action", "save"))
        .expectRedirect(PAGE + "?done=saved");

    var policy = server.admin.get("/api/v1/resources/prod/accounts/admin").json().get("policy");
    assertThat(policy.at("/rules/0/namespaces/0").asText()).isEqualTo("kube-*");
    FormClient.Page saved = admin.get(PAGE + "?done=saved").expect(200);
    assertThat(saved.html()).contains("id=\"saved\"", "Now: custom, 2 rules.", "kube-*");
    assertThat(admin.get("/ui/resources/prod/accounts").expect(200).html())
        .contains("<td class=\"policy-summary\"> custom (2 rules)</td>");
  }

  @Test
  void aWrongPolicyIsShownAgainWithTheMessageNextToTheField() {
    FormClient admin = admin();
    String csrf = admin.get(PAGE).expect(200).csrf();
    String typo = "rules:\n  - effect: allow\n    verbs: [ecex]\n";

    FormClient.Page refused =
        admin.post(PAGE, Map.of("_csrf", csrf, "policy", typo, "action", "save")).expect(400);

    assertThat(refused.html())
        .contains("id=\"error-policy\"")
        .contains("policy.rules[0].verbs: unknown verb 'ecex'")
        .contains("verbs: [ecex]");
    FormClient.Page notYaml =
        admin
            .post(PAGE, Map.of("_csrf", csrf, "policy", "rules: [: :", "action", "save"))
            .expect(400);
    assertThat(notYaml.html()).contains("policy: not a policy (line 1)");
    assertThat(
            server.admin.get("/api/v1/resources/prod/accounts/admin").json().get("policy").isNull())
        .isTrue();
  }

  @Test
  void whatIfShowsTheReplayOfTheDraftWithoutSavingItAndRemoveTakesThePolicyAway() {
    server.admin.patch("/api/v1/resources/prod/accounts/admin", Map.of("preset", "no-exec"));
    FormClient admin = admin();
    String csrf = admin.get(PAGE).expect(200).csrf();

    FormClient.Page whatIf =
        admin
            .post(
                PAGE,
                Map.of(
                    "_csrf",
                    csrf,
                    "policy",
                    "preset: read-only",
                    "since",
                    "3d",
                    "action",
                    "what-if"))
            .expect(200);

    assertThat(whatIf.html())
        .contains("id=\"what-if-report\"")
        .contains("0 of 0 requests recorded since")
        .contains("name=\"since\" type=\"text\" value=\"3d\"");
    assertThat(
            server
                .admin
                .get("/api/v1/resources/prod/accounts/admin")
                .json()
                .at("/policy/preset")
                .asText())
        .isEqualTo("no-exec");

    admin
        .post(PAGE, Map.of("_csrf", csrf, "policy", "", "action", "remove"))
        .expectRedirect(PAGE + "?done=saved");
    assertThat(
            server.admin.get("/api/v1/resources/prod/accounts/admin").json().get("policy").isNull())
        .isTrue();
  }

  @Test
  void aMemberCannotOpenTheEditor() {
    server.user("bob", "member");
    FormClient bob = FormClient.signedIn(server, "bob", "bob-password-123");
    assertThat(bob.get(PAGE).status()).isEqualTo(403);
  }
}
