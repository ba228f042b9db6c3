package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class UiTest extends ServerTestBase {
  UiTest(Backend backend) {
    super(backend);
  }

  private FormClient admin() {
    return FormClient.signedIn(server, "admin", TestServer.ADMIN_PASSWORD);
  }

  private static Map<String, String> resourceForm(String csrf, String name, String url) {
    Map<String, String> form = new HashMap<>();
    form.put("_csrf", csrf);
    form.put("name", name);
    form.put("url", url);
    form.put("gateway", "dc1");
    form.put("caCert", "");
    form.put("serverName", "kubernetes.default.svc");
    return form;
  }

  @Test
  void signingInSetsAnHttpOnlySameSiteCookieAndAWrongPasswordShowsAnError() {
    FormClient browser = new FormClient(server.server.url());
    FormClient.Page form = browser.get("/ui/login").expect(200);
    assertThat(form.html())
        .contains(
            "id=\"username\"", "id=\"password\"", "id=\"sign-in\"", "<label for=\"password\"");

    FormClient.Page wrong =
        browser
            .post(
                "/ui/login",
                Map.of("_csrf", form.csrf(), "username", "admin", "password", "not-it"))
            .expect(401);
    assertThat(wrong.html()).contains("wrong user name or password", "value=\"admin\"");
    assertThat(browser.cookies.get("kpam_ui")).isNull();

    FormClient.Page signedIn =
        browser
            .post(
                "/ui/login",
                Map.of(
                    "_csrf",
                    wrong.csrf(),
                    "username",
                    "admin",
                    "password",
                    TestServer.ADMIN_PASSWORD))
            .expectRedirect("/ui/resources");
    assertThat(signedIn.setCookie("kpam_ui"))
        .contains("HttpOnly", "SameSite=Strict", "Path=/ui", "Max-Age=43200")
        .doesNotContain("Secure");
    assertThat(browser.get("/ui/resources").expect(200).html()).contains("id=\"sign-out\"");
  }

  @Test
  void theSignInFormIsThrottledLikeTheApi() {
    FormClient browser = new FormClient(server.server.url());
    FormClient.Page page = browser.get("/ui/login").expect(200);
    for (int i = 0; i < 5; i++) {
      page =
          browser
              .post(
                  "/ui/login",
                  Map.of("_csrf", page.csrf(), "username", "admin", "password", "wrong-" + i))
              .expect(401);
    }
    FormClient.Page throttled =
        browser
            .post(
                "/ui/login",
                Map.of(
                    "_csrf",
                    page.csrf(),
                    "username",
                    "admin",
                    "password",
                    TestServer.ADMIN_PASSWORD))
            .expect(429);
    assertThat(throttled.html()).contains("too many failed sign-ins; try again in 15 s");
    assertThat(throttled.headers().firstValue("Retry-After")).contains("15");
    assertThat(browser.cookies.get("kpam_ui")).isNull();
  }

  @Test
  void aPostWithoutOrWithAWrongCsrfTokenIsForbidden() {
    FormClient anonymous = new FormClient(server.server.url());
    anonymous.get("/ui/login").expect(200);
    anonymous
        .post("/ui/login", Map.of("username", "admin", "password", TestServer.ADMIN_PASSWORD))
        .expect(403);

    Fixtures.enrolledGateway(server, "dc1");
    FormClient admin = admin();
    Map<String, String> form = resourceForm("wrong", "prod", "https://10.0.0.1:6443");
    assertThat(admin.post("/ui/resources", form).expect(403).html()).contains("Not allowed");
    form.remove("_csrf");
    admin.post("/ui/resources", form).expect(403);
    admin.post("/ui/logout", Map.of()).expect(403);
    server.admin.get("/api/v1/resources/prod").expect(404);
  }

  @Test
  void theResourcesPageListsEveryResourceWithItsGatewayStatusForAnAdmin() {
    Fixtures.enrolledGateway(server, "dc1");
    Fixtures.resourceWithAccountOn(server, "prod", "dc1");
    Fixtures.resourceWithAccountOn(server, "staging", "dc1");

    String html = admin().get("/ui/resources").expect(200).html();
    assertThat(html)
        .contains(
            "id=\"resources\"",
            "<tr data-name=\"prod\">",
            "<tr data-name=\"staging\">",
            "<span class=\"status status-offline\">offline</span>",
            "class=\"delete\"",
            "href=\"#main\"");
  }

  @Test
  void anAdminCreatesEditsAndDeletesAResourceThroughTheForms() {
    Fixtures.enrolledGateway(server, "dc1");
    FormClient admin = admin();
    FormClient.Page form = admin.get("/ui/resources/new").expect(200);
    assertThat(form.html())
        .contains(
            "id=\"resource-form\"",
            "id=\"name\"",
            "id=\"url\"",
            "id=\"gateway\"",
            "id=\"ca-cert\"",
            "id=\"server-name\"",
            "id=\"insecure\"",
            "id=\"save\"",
            "<option value=\"dc1\">dc1</option>");
    admin
        .post("/ui/resources", resourceForm(form.csrf(), "prod", "https://10.0.0.1:6443"))
        .expectRedirect("/ui/resources");
    assertThat(
            server
                .admin
                .get("/api/v1/resources/prod")
                .expect(200)
                .json()
                .get("serverName")
                .asText())
        .isEqualTo("kubernetes.default.svc");

    FormClient.Page edit = admin.get("/ui/resources/prod/edit").expect(200);
    assertThat(edit.html()).contains("value=\"https://10.0.0.1:6443\"", "readonly");
    Map<String, String> changed = resourceForm(edit.csrf(), "prod", "https://10.0.0.2:6443");
    changed.put("insecure", "true");
    admin.post("/ui/resources/prod", changed).expectRedirect("/ui/resources");
    var updated = server.admin.get("/api/v1/resources/prod").expect(200).json();
    assertThat(updated.get("url").asText()).isEqualTo("https://10.0.0.2:6443");
    assertThat(updated.get("insecureSkipTlsVerify").asBoolean()).isTrue();

    FormClient.Page confirm = admin.get("/ui/resources/prod/delete").expect(200);
    assertThat(confirm.html()).contains("id=\"confirm-delete\"");
    admin
        .post("/ui/resources/prod/delete", Map.of("_csrf", confirm.csrf()))
        .expectRedirect("/ui/resources");
    server.admin.get("/api/v1/resources/prod").expect(404);
  }

  @Test
  void aBadUrlShowsTheFieldErrorAndKeepsWhatWasTyped() {
    Fixtures.enrolledGateway(server, "dc1");
    FormClient admin = admin();
    String csrf = admin.get("/ui/resources/new").expect(200).csrf();

    String html =
        admin
            .post("/ui/resources", resourceForm(csrf, "prod", "http://10.0.0.1:6443"))
            .expect(400)
            .html();
    assertThat(html)
        .contains(
            "<p class=\"field-error\" id=\"error-url\">url: 'http://10.0.0.1:6443' (expected: https://",
            "value=\"prod\"",
            "value=\"http://10.0.0.1:6443\"",
            "value=\"kubernetes.default.svc\"",
            "<option value=\"dc1\" selected>dc1</option>");
    server.admin.get("/api/v1/resources/prod").expect(404);
  }

  @Test
  void aMemberSeesOnlyGrantedResourcesAndGetsAForbiddenPageOnTheCreateForm() {
    Fixtures.enrolledGateway(server, "dc1");
    Fixtures.resourceWithAccountOn(server, "prod", "dc1");
    Fixtures.resourceWithAccountOn(server, "staging", "dc1");
    server.user("bob", "member");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "bob"))
        .expect(200);
    FormClient bob = FormClient.signedIn(server, "bob", "bob-password-123");

    String list = bob.get("/ui/resources").expect(200).html();
    assertThat(list).contains("<tr data-name=\"prod\">").doesNotContain("data-name=\"staging\"");
    assertThat(list).doesNotContain("class=\"delete\"", "id=\"new-resource\"");

    FormClient.Page forbidden = bob.get("/ui/resources/new").expect(403);
    assertThat(forbidden.html()).contains("<html", "this page needs the admin role");
    assertThat(forbidden.html()).doesNotContain("Exception", "at dev.kpam");
    bob.get("/ui/resources/prod/delete").expect(403);
  }

  @Test
  void withoutASessionEveryPageRedirectsToSignIn() {
    FormClient anonymous = new FormClient(server.server.url());
    anonymous.get("/").expectRedirect("/ui");
    for (String path : List.of("/ui/resources", "/ui/resources/new")) {
      anonymous.get(path).expectRedirect("/ui/login");
    }
    anonymous.cookies.put("kpam_ui", "kpam_not-a-session");
    anonymous.get("/ui/resources").expectRedirect("/ui/login");
  }

  @Test
  void signingOutInvalidatesTheCookie() {
    FormClient admin = admin();
    String session = admin.cookies.get("kpam_ui");
    String csrf = admin.get("/ui/resources").expect(200).csrf();

    FormClient.Page out =
        admin.post("/ui/logout", Map.of("_csrf", csrf)).expectRedirect("/ui/login");
    assertThat(out.setCookie("kpam_ui")).contains("Max-Age=0");

    FormClient replay = new FormClient(server.server.url());
    replay.cookies.put("kpam_ui", session);
    replay.get("/ui/resources").expectRedirect("/ui/login");
  }

  @Test
  void storedAccountTokensNeverAppearInAnyPage() {
    Fixtures.enrolledGateway(server, "dc1");
    Fixtures.resourceWithAccountOn(server, "prod", "dc1");
    FormClient admin = admin();
    for (String path :
        List.of(
            "/ui/resources",
            "/ui/resources/new",
            "/ui/resources/prod/edit",
            "/ui/resources/prod/delete")) {
      assertThat(admin.get(path).expect(200).html()).doesNotContain(Fixtures.SA_TOKEN);
    }
  }

  @Test
  void theAssetsAreServedFromTheServerItself() {
    FormClient anonymous = new FormClient(server.server.url());
    FormClient.Page css = anonymous.get("/ui/assets/kpam.css").expect(200);
    assertThat(css.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
    assertThat(anonymous.get("/ui/assets/htmx.min.js").expect(200).html()).contains("htmx");
    anonymous.get("/ui/assets/nope.js").expect(404);
  }
}
