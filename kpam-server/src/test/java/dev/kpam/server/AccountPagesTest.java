package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The accounts pages of the web UI over plain HTTP, as a browser without JavaScript uses them. */
@ParameterizedClass
@EnumSource(Backend.class)
class AccountPagesTest extends ServerTestBase {
  private static final String FIRST_TOKEN = "eyJ.first-token-typed-into-the-form.c2ln";
  private static final String SECOND_TOKEN = "eyJ.second-token-typed-into-the-form.c2ln";

  /** Every page rendered in a test, so that the test can check no token is on any of them. */
  private final List<String> pages = new ArrayList<>();

  AccountPagesTest(Backend backend) {
    super(backend);
  }

  private FormClient admin() {
    return FormClient.signedIn(server, "admin", TestServer.ADMIN_PASSWORD);
  }

  private FormClient.Page seen(FormClient.Page page) {
    pages.add(page.html());
    return page;
  }

  private void assertNoPageShowsATokenValue() {
    assertThat(pages).isNotEmpty();
    for (String html : pages) {
      assertThat(html).doesNotContain(Fixtures.SA_TOKEN, FIRST_TOKEN, SECOND_TOKEN);
    }
  }

  private static Map<String, String> accountForm(String csrf, String name, String token) {
    Map<String, String> form = new HashMap<>();
    form.put("_csrf", csrf);
    form.put("name", name);
    form.put("token", token);
    form.put("description", "read-only view");
    form.put("maxSessionDuration", "2h");
    form.put("recordingFailurePolicy", "fail-open");
    return form;
  }

  /** The token the resource's gateway receives for a new session on the account. */
  private String tokenTheGatewayGets(Fixtures.Enrolled gateway, String resource, String account) {
    String session = Fixtures.openSession(server.admin, resource, account, "10m");
    return gateway.api().get("/api/v1/gateway/sessions/" + session).json().get("token").asText();
  }

  @Test
  void theListShowsEachAccountsSettingsAndGrantsAndThatATokenIsStored() {
    Fixtures.enrolledGateway(server, "dc1");
    Fixtures.resourceWithAccountOn(server, "prod", "dc1");
    server.user("bob", "member");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "bob"))
        .expect(200);
    FormClient admin = admin();

    String resources = seen(admin.get("/ui/resources").expect(200)).html();
    assertThat(resources).contains("<a class=\"accounts\" href=\"/ui/resources/prod/accounts\">");

    String html = seen(admin.get("/ui/resources/prod/accounts").expect(200)).html();
    assertThat(html)
        .contains(
            "id=\"accounts\"",
            "<tr data-name=\"admin\">",
            "<td class=\"max-duration\">2h</td>",
            "stdin not recorded",
            "<span class=\"failure-policy\">fail-closed</span>",
            "<td class=\"token\">stored</td>",
            "<td class=\"grants\">",
            "bob",
            "<a class=\"access\" href=\"/ui/resources/prod/accounts/admin/access\"",
            "data-command=\"kpam k8s access --resource prod --account admin\"",
            "<dialog id=\"access-dialog\"",
            "id=\"copy-command\"",
            "<script src=\"/ui/assets/accounts.js\" defer></script>",
            "class=\"edit\"",
            "class=\"delete\"",
            "id=\"new-account\"");
    assertNoPageShowsATokenValue();
  }

  @Test
  void theAccessPageShowsTheExactCommandAndHowToLogIn() {
    Fixtures.enrolledGateway(server, "dc1");
    Fixtures.resourceWithAccountOn(server, "prod", "dc1");
    FormClient admin = admin();

    String html = seen(admin.get("/ui/resources/prod/accounts/admin/access").expect(200)).html();
    assertThat(html)
        .contains(
            "<code id=\"access-command\">kpam k8s access --resource prod --account admin</code>",
            "<code id=\"login-command\">kpam login --server "
                + server.server.url().toString().replaceAll("/$", "")
                + " --user admin</code>");
    seen(admin.get("/ui/resources/prod/accounts/nope/access").expect(404));
    assertNoPageShowsATokenValue();
  }

  @Test
  void anAdminCreatesAnAccountAndAnEmptyTokenOnEditKeepsTheStoredOne() {
    Fixtures.Enrolled dc1 = Fixtures.enrolledGateway(server, "dc1");
    Fixtures.resourceOn(server, "prod", "dc1");
    FormClient admin = admin();

    FormClient.Page form = seen(admin.get("/ui/resources/prod/accounts/new").expect(200));
    assertThat(form.html())
        .contains(
            "id=\"account-form\"",
            "id=\"name\"",
            "id=\"description\"",
            "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\"",
            "id=\"max-duration\"",
            "id=\"record-stdin\"",
            "id=\"failure-policy\"",
            "<option value=\"fail-closed\" selected>",
            "id=\"save\"")
        .doesNotContain("id=\"token-stored\"");
    Map<String, String> fields = accountForm(form.csrf(), "viewer", FIRST_TOKEN);
    fields.put("recordStdin", "true");
    admin.post("/ui/resources/prod/accounts", fields).expectRedirect("/ui/resources/prod/accounts");
    var created = server.admin.get("/api/v1/resources/prod/accounts/viewer").expect(200).json();
    assertThat(created.get("description").asText()).isEqualTo("read-only view");
    assertThat(created.get("maxSessionDuration").asText()).isEqualTo("2h");
    assertThat(created.get("recordStdin").asBoolean()).isTrue();
    assertThat(created.get("recordingFailurePolicy").asText()).isEqualTo("fail-open");
    assertThat(tokenTheGatewayGets(dc1, "prod", "viewer")).isEqualTo(FIRST_TOKEN);

    FormClient.Page edit = seen(admin.get("/ui/resources/prod/accounts/viewer/edit").expect(200));
    assertThat(edit.html())
        .contains(
            "id=\"token-stored\"",
            "value=\"viewer\" readonly",
            "value=\"read-only view\"",
            "value=\"2h\"",
            "<option value=\"fail-open\" selected>")
        .containsPattern("id=\"record-stdin\"[^>]* checked");
    Map<String, String> changed = accountForm(edit.csrf(), "viewer", "");
    changed.put("maxSessionDuration", "30m");
    admin
        .post("/ui/resources/prod/accounts/viewer", changed)
        .expectRedirect("/ui/resources/prod/accounts");
    var updated = server.admin.get("/api/v1/resources/prod/accounts/viewer").expect(200).json();
    assertThat(updated.get("maxSessionDuration").asText()).isEqualTo("30m");
    assertThat(updated.get("recordStdin").asBoolean()).isFalse();
    assertThat(updated.get("tokenStored").asBoolean()).isTrue();
    assertThat(tokenTheGatewayGets(dc1, "prod", "viewer")).isEqualTo(FIRST_TOKEN);

    seen(admin.get("/ui/resources/prod/accounts").expect(200));
    assertNoPageShowsATokenValue();
  }

  @Test
  void aTokenTypedOnEditReplacesTheStoredOne() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    FormClient admin = admin();
    String csrf = seen(admin.get("/ui/resources/prod/accounts/admin/edit").expect(200)).csrf();

    admin
        .post("/ui/resources/prod/accounts/admin", accountForm(csrf, "admin", SECOND_TOKEN))
        .expectRedirect("/ui/resources/prod/accounts");

    assertThat(tokenTheGatewayGets(dc1, "prod", "admin")).isEqualTo(SECOND_TOKEN);
    seen(admin.get("/ui/resources/prod/accounts/admin/edit").expect(200));
    assertNoPageShowsATokenValue();
  }

  @Test
  void aRejectedFormShowsTheErrorNextToItsFieldAndNeverTheTypedToken() {
    Fixtures.enrolledGateway(server, "dc1");
    Fixtures.resourceWithAccountOn(server, "prod", "dc1");
    FormClient admin = admin();
    String csrf = seen(admin.get("/ui/resources/prod/accounts/new").expect(200)).csrf();

    Map<String, String> badDuration = accountForm(csrf, "viewer", FIRST_TOKEN);
    badDuration.put("maxSessionDuration", "2 days");
    String html = seen(admin.post("/ui/resources/prod/accounts", badDuration).expect(400)).html();
    assertThat(html)
        .contains(
            "<p class=\"field-error\" id=\"error-max-duration\">maxSessionDuration: '2 days'"
                + " (expected: a duration such as 30m, 8h)</p>",
            "value=\"viewer\"",
            "value=\"read-only view\"",
            "value=\"2 days\"",
            "<option value=\"fail-open\" selected>");
    assertThat(html).containsPattern("<input id=\"token\" name=\"token\" type=\"password\"[^>]*>");
    assertThat(html).doesNotContainPattern("id=\"token\"[^>]*value=");

    String missingToken =
        seen(admin.post("/ui/resources/prod/accounts", accountForm(csrf, "viewer", "")).expect(400))
            .html();
    assertThat(missingToken).contains("<p class=\"field-error\" id=\"error-token\">token: missing");

    String badName =
        seen(admin
                .post("/ui/resources/prod/accounts", accountForm(csrf, "Bad Name", FIRST_TOKEN))
                .expect(400))
            .html();
    assertThat(badName).contains("<p class=\"field-error\" id=\"error-name\">name: 'Bad Name'");

    String taken =
        seen(admin
                .post("/ui/resources/prod/accounts", accountForm(csrf, "admin", FIRST_TOKEN))
                .expect(409))
            .html();
    assertThat(taken)
        .contains(
            "<p class=\"field-error\" id=\"error-name\">account 'admin' already exists on resource"
                + " 'prod'</p>");

    Map<String, String> badEdit = accountForm(csrf, "admin", SECOND_TOKEN);
    badEdit.put("recordingFailurePolicy", "fail-later");
    String edit = seen(admin.post("/ui/resources/prod/accounts/admin", badEdit).expect(400)).html();
    assertThat(edit)
        .contains(
            "<p class=\"field-error\" id=\"error-failure-policy\">recordingFailurePolicy:"
                + " 'fail-later' (expected: fail-closed or fail-open)</p>",
            "id=\"token-stored\"");

    server.admin.get("/api/v1/resources/prod/accounts/viewer").expect(404);
    assertNoPageShowsATokenValue();
  }

  @Test
  void anAdminDeletesAnAccountAfterConfirming() {
    Fixtures.enrolledGateway(server, "dc1");
    Fixtures.resourceWithAccountOn(server, "prod", "dc1");
    FormClient admin = admin();

    FormClient.Page confirm =
        seen(admin.get("/ui/resources/prod/accounts/admin/delete").expect(200));
    assertThat(confirm.html()).contains("id=\"confirm-delete\"");
    server.admin.get("/api/v1/resources/prod/accounts/admin").expect(200);
    admin
        .post("/ui/resources/prod/accounts/admin/delete", Map.of("_csrf", confirm.csrf()))
        .expectRedirect("/ui/resources/prod/accounts");

    server.admin.get("/api/v1/resources/prod/accounts/admin").expect(404);
    assertThat(seen(admin.get("/ui/resources/prod/accounts").expect(200)).html())
        .contains("id=\"no-accounts\"");
    assertNoPageShowsATokenValue();
  }

  @Test
  void anAdminGrantsAndRevokesAMemberOnTheEditPage() {
    Fixtures.enrolledGateway(server, "dc1");
    Fixtures.resourceWithAccountOn(server, "prod", "dc1");
    server.user("bob", "member");
    FormClient admin = admin();

    FormClient.Page edit = seen(admin.get("/ui/resources/prod/accounts/admin/edit").expect(200));
    assertThat(edit.html())
        .contains("id=\"grant-form\"", "<option value=\"bob\">bob</option>", "id=\"no-grants\"");
    admin
        .post(
            "/ui/resources/prod/accounts/admin/grants", Map.of("_csrf", edit.csrf(), "user", "bob"))
        .expectRedirect("/ui/resources/prod/accounts/admin/edit");
    assertThat(server.admin.get("/api/v1/resources/prod/accounts/admin").json().get("grants"))
        .extracting(node -> node.asText())
        .containsExactly("bob");

    String granted = seen(admin.get("/ui/resources/prod/accounts/admin/edit").expect(200)).html();
    assertThat(granted)
        .contains("<li data-user=\"bob\">", "/ui/resources/prod/accounts/admin/grants/bob/revoke")
        .doesNotContain("<option value=\"bob\">");
    String unknown =
        seen(admin
                .post(
                    "/ui/resources/prod/accounts/admin/grants",
                    Map.of("_csrf", edit.csrf(), "user", "carol"))
                .expect(400))
            .html();
    assertThat(unknown).contains("<p class=\"field-error\" id=\"error-grant-user\">user: 'carol'");

    admin
        .post("/ui/resources/prod/accounts/admin/grants/bob/revoke", Map.of("_csrf", edit.csrf()))
        .expectRedirect("/ui/resources/prod/accounts/admin/edit");
    assertThat(server.admin.get("/api/v1/resources/prod/accounts/admin").json().get("grants"))
        .isEmpty();
    assertNoPageShowsATokenValue();
  }

  @Test
  void aMemberSeesOnlyGrantedAccountsCanOpenTheirAccessPageAndGetsForbiddenOnAdminPages() {
    Fixtures.enrolledGateway(server, "dc1");
    Fixtures.resourceWithAccountOn(server, "prod", "dc1");
    server
        .admin
        .post(
            "/api/v1/resources/prod/accounts",
            Map.of("name", "viewer", "token", FIRST_TOKEN, "maxSessionDuration", "1h"))
        .expect(201);
    server.user("bob", "member");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/viewer/grants", Map.of("user", "bob"))
        .expect(200);
    FormClient bob = FormClient.signedIn(server, "bob", "bob-password-123");

    assertThat(seen(bob.get("/ui/resources").expect(200)).html())
        .contains("<a class=\"accounts\" href=\"/ui/resources/prod/accounts\">");
    String list = seen(bob.get("/ui/resources/prod/accounts").expect(200)).html();
    assertThat(list)
        .contains("<tr data-name=\"viewer\">", "class=\"access\"")
        .doesNotContain(
            "data-name=\"admin\"", "class=\"edit\"", "class=\"delete\"", "id=\"new-account\"");
    assertThat(seen(bob.get("/ui/resources/prod/accounts/viewer/access").expect(200)).html())
        .contains("kpam k8s access --resource prod --account viewer", "--user bob");
    seen(bob.get("/ui/resources/prod/accounts/admin/access").expect(404));

    for (String path :
        List.of(
            "/ui/resources/prod/accounts/new",
            "/ui/resources/prod/accounts/viewer/edit",
            "/ui/resources/prod/accounts/viewer/delete")) {
      assertThat(seen(bob.get(path).expect(403)).html())
          .contains("<html", "this page needs the admin role");
    }
    String csrf = bob.get("/ui/resources").csrf();
    bob.post("/ui/resources/prod/accounts", accountForm(csrf, "mine", SECOND_TOKEN)).expect(403);
    bob.post("/ui/resources/prod/accounts/viewer/delete", Map.of("_csrf", csrf)).expect(403);
    bob.post("/ui/resources/prod/accounts/viewer/grants", Map.of("_csrf", csrf, "user", "bob"))
        .expect(403);
    server.admin.get("/api/v1/resources/prod/accounts/viewer").expect(200);
    server.admin.get("/api/v1/resources/prod/accounts/mine").expect(404);
    assertNoPageShowsATokenValue();
  }

  @Test
  void everyAccountFormPostNeedsTheCsrfToken() {
    Fixtures.enrolledGateway(server, "dc1");
    Fixtures.resourceWithAccountOn(server, "prod", "dc1");
    server.user("bob", "member");
    FormClient admin = admin();
    admin.get("/ui/resources/prod/accounts").expect(200);

    Map<String, String> create = accountForm("wrong", "viewer", FIRST_TOKEN);
    assertThat(admin.post("/ui/resources/prod/accounts", create).expect(403).html())
        .contains("Not allowed");
    create.remove("_csrf");
    admin.post("/ui/resources/prod/accounts", create).expect(403);
    admin
        .post("/ui/resources/prod/accounts/admin", accountForm("wrong", "admin", SECOND_TOKEN))
        .expect(403);
    admin.post("/ui/resources/prod/accounts/admin/delete", Map.of()).expect(403);
    admin.post("/ui/resources/prod/accounts/admin/grants", Map.of("user", "bob")).expect(403);
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "bob"))
        .expect(200);
    admin.post("/ui/resources/prod/accounts/admin/grants/bob/revoke", Map.of()).expect(403);

    server.admin.get("/api/v1/resources/prod/accounts/viewer").expect(404);
    var account = server.admin.get("/api/v1/resources/prod/accounts/admin").expect(200).json();
    assertThat(account.path("description").asText("")).isEmpty();
    assertThat(account.get("grants")).extracting(node -> node.asText()).containsExactly("bob");
  }
}
