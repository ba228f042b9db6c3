package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The admin pages of the web UI: gateways, users and the audit log, over plain HTTP. */
@ParameterizedClass
@EnumSource(Backend.class)
class AdminPagesTest extends ServerTestBase {
  private static final Pattern ENROLL_TOKEN =
      Pattern.compile("<code id=\"enroll-token\">([^<]+)</code>");
  private static final Pattern ENROLL_COMMAND =
      Pattern.compile("<code id=\"enroll-command\">([^<]+)</code>");
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension final CapturedLogs logs = new CapturedLogs();

  AdminPagesTest(Backend backend) {
    super(backend);
  }

  private FormClient admin() {
    return FormClient.signedIn(server, "admin", TestServer.ADMIN_PASSWORD);
  }

  private static String group(Pattern pattern, String html) {
    Matcher matcher = pattern.matcher(html);
    assertThat(matcher.find()).as("%s in %s", pattern, html).isTrue();
    return matcher.group(1);
  }

  /** Signs in through the form; the status of the answer (303 in, 401 refused). */
  private int signInStatus(String user, String password) {
    FormClient browser = new FormClient(server.server.url());
    String csrf = browser.get("/ui/login").expect(200).csrf();
    return browser
        .post("/ui/login", Map.of("_csrf", csrf, "username", user, "password", password))
        .status();
  }

  private static Map<String, String> userForm(
      String csrf, String name, String role, String password) {
    Map<String, String> form = new HashMap<>();
    form.put("_csrf", csrf);
    form.put("name", name);
    form.put("role", role);
    form.put("password", password);
    return form;
  }

  // ---- gateways

  @Test
  void theGatewaysPageShowsStatusVersionHeartbeatCertificateAndRelaysOfEachGateway() {
    Fixtures.Enrolled dc1 = Fixtures.enrolledGateway(server, "dc1");
    dc1.api()
        .post(
            "/api/v1/gateway/heartbeat",
            Map.of("version", "1.2.3", "relays", List.of("relay-a:8443"), "activeSessions", 0))
        .expect(200);
    server.admin.post("/api/v1/gateways", Map.of("name", "dc2")).expect(201);
    server.clock.advance(Duration.ofSeconds(12));
    var view = server.admin.get("/api/v1/gateways/dc1").expect(200).json();

    String html = admin().get("/ui/gateways").expect(200).html();
    assertThat(html)
        .contains(
            "id=\"gateways\"",
            "<tr data-name=\"dc1\">",
            "<tr data-name=\"dc2\">",
            "<span class=\"status status-online\">online</span>",
            "<span class=\"status status-pending\">pending</span>",
            "<td class=\"instances\">1 of 1 online</td>",
            "<td class=\"instances\">0 of 0 online</td>",
            "1.2.3",
            "<time datetime=\"" + view.get("lastHeartbeatAt").asText() + "\">",
            "(12 s ago)",
            "<time datetime=\"" + view.get("certificateExpiresAt").asText() + "\">",
            "<code>relay-a:8443</code>",
            "href=\"/ui/gateways/dc1/delete\"",
            "action=\"/ui/gateways/dc2/enroll-token\"");

    server.clock.advance(Duration.ofSeconds(20));
    assertThat(admin().get("/ui/gateways").expect(200).html())
        .contains(
            "<span class=\"status status-offline\">offline</span>",
            "(32 s ago)",
            "<td class=\"instances\">0 of 1 online</td>");
  }

  @Test
  void creatingAGatewayShowsItsTokenAndCommandOnceAndTheTokenNowhereElse() {
    FormClient admin = admin();
    FormClient.Page form = admin.get("/ui/gateways/new").expect(200);
    assertThat(form.html()).contains("id=\"gateway-form\"", "id=\"name\"", "id=\"save\"");

    String created =
        admin.post("/ui/gateways", Map.of("_csrf", form.csrf(), "name", "dc1")).expect(201).html();
    String token = group(ENROLL_TOKEN, created);
    assertThat(token).startsWith("kpge");
    assertThat(group(ENROLL_COMMAND, created))
        .isEqualTo(
            "kpam gateway --server "
                + server.server.url()
                + " --enroll-token "
                + token
                + " --name dc1");

    // The token shown is the real one: a gateway enrolls with it.
    server
        .anonymous
        .post(
            "/api/v1/gateway/enroll",
            Map.of("enrollToken", token, "csr", Fixtures.csr(), "version", "test"))
        .expect(200);

    List<String> seen = new ArrayList<>();
    for (String path :
        List.of(
            "/ui/gateways",
            "/ui/gateways/dc1/delete",
            "/ui/audit",
            "/ui/audit/export",
            "/ui/audit?target=gateway:dc1")) {
      seen.add(admin.get(path).expect(200).html());
    }
    assertThat(seen.get(0)).contains("<tr data-name=\"dc1\">");
    assertThat(seen.get(2)).contains("gateway.create", "gateway.enroll");
    assertThat(seen).allSatisfy(page -> assertThat(page).doesNotContain(token));
    logs.assertNoneContains(token);
  }

  @Test
  void aNewEnrollmentTokenIsShownOnceAndTheOldOneStopsWorking() {
    FormClient admin = admin();
    String csrf = admin.get("/ui/gateways/new").expect(200).csrf();
    String first =
        group(
            ENROLL_TOKEN,
            admin.post("/ui/gateways", Map.of("_csrf", csrf, "name", "dc1")).expect(201).html());

    String renewed =
        admin.post("/ui/gateways/dc1/enroll-token", Map.of("_csrf", csrf)).expect(201).html();
    assertThat(renewed).contains("New enrollment token for dc1", "id=\"shown-once\"");
    String second = group(ENROLL_TOKEN, renewed);
    assertThat(second).isNotEqualTo(first);
    assertThat(group(ENROLL_COMMAND, renewed)).contains("--enroll-token " + second);

    server
        .anonymous
        .post(
            "/api/v1/gateway/enroll",
            Map.of("enrollToken", first, "csr", Fixtures.csr(), "version", "test"))
        .expect(401);
    server
        .anonymous
        .post(
            "/api/v1/gateway/enroll",
            Map.of("enrollToken", second, "csr", Fixtures.csr(), "version", "test"))
        .expect(200);
    String audit = admin.get("/ui/audit?action=gateway.enroll-token").expect(200).html();
    assertThat(audit).contains("gateway:dc1").doesNotContain(first).doesNotContain(second);
    assertThat(admin.get("/ui/gateways").expect(200).html())
        .doesNotContain(first)
        .doesNotContain(second);
  }

  @Test
  void aBadOrTakenGatewayNameIsShownNextToTheField() {
    Fixtures.enrolledGateway(server, "dc1");
    FormClient admin = admin();
    String csrf = admin.get("/ui/gateways/new").expect(200).csrf();

    String bad =
        admin.post("/ui/gateways", Map.of("_csrf", csrf, "name", "DC_1")).expect(400).html();
    assertThat(bad)
        .contains(
            "<p class=\"field-error\" id=\"error-name\">name: 'DC_1' (expected: 1-63 lower-case",
            "value=\"DC_1\"",
            "aria-invalid=\"true\"")
        .doesNotContain("id=\"enroll-token\"");
    String taken =
        admin.post("/ui/gateways", Map.of("_csrf", csrf, "name", "dc1")).expect(409).html();
    assertThat(taken).contains("id=\"error-name\">gateway 'dc1' already exists");
    server.admin.get("/api/v1/gateways/DC_1").expect(404);
  }

  @Test
  void aGatewayIsDeletedAfterConfirmationUnlessResourcesUseIt() {
    Fixtures.enrolledGateway(server, "dc1");
    Fixtures.enrolledGateway(server, "dc2");
    Fixtures.resourceWithAccountOn(server, "prod", "dc2");
    FormClient admin = admin();

    FormClient.Page confirm = admin.get("/ui/gateways/dc1/delete").expect(200);
    assertThat(confirm.html()).contains("id=\"confirm-delete\"", "Delete gateway dc1?");
    admin
        .post("/ui/gateways/dc1/delete", Map.of("_csrf", confirm.csrf()))
        .expectRedirect("/ui/gateways");
    server.admin.get("/api/v1/gateways/dc1").expect(404);

    String inUse =
        admin.post("/ui/gateways/dc2/delete", Map.of("_csrf", confirm.csrf())).expect(409).html();
    assertThat(inUse)
        .contains("id=\"form-error\"", "gateway 'dc2' is used by resources prod; move or delete");
    server.admin.get("/api/v1/gateways/dc2").expect(200);
    admin.get("/ui/gateways/nope/delete").expect(404);
  }

  // ---- users

  @Test
  void theUsersPageListsEveryUserWithRoleStateAndCreationTime() {
    server.user("bob", "member");
    server.user("carol", "admin");
    var bob = server.admin.get("/api/v1/users/bob").expect(200).json();

    String html = admin().get("/ui/users").expect(200).html();
    assertThat(html)
        .contains(
            "id=\"users\"",
            "<tr data-name=\"admin\">",
            "<tr data-name=\"bob\">",
            "<tr data-name=\"carol\">",
            "<td class=\"role role-member\">member</td>",
            "<td class=\"role role-admin\">admin</td>",
            "<time datetime=\"" + bob.get("createdAt").asText() + "\">",
            "href=\"/ui/users/bob/edit\"")
        .doesNotContain("bob-password-123");
  }

  @Test
  void anAdminCreatesAUserWhoThenSignsInThroughTheForm() {
    FormClient admin = admin();
    FormClient.Page form = admin.get("/ui/users/new").expect(200);
    assertThat(form.html())
        .contains(
            "id=\"user-form\"",
            "id=\"name\"",
            "id=\"password\"",
            "id=\"role\"",
            "id=\"save\"",
            "<label for=\"role\"");

    admin
        .post("/ui/users", userForm(form.csrf(), "dave", "member", "dave-password-1234"))
        .expectRedirect("/ui/users");
    assertThat(server.admin.get("/api/v1/users/dave").expect(200).json().get("role").asText())
        .isEqualTo("member");
    assertThat(admin.get("/ui/users").expect(200).html())
        .contains("<tr data-name=\"dave\">")
        .doesNotContain("dave-password-1234");
    assertThat(signInStatus("dave", "dave-password-1234")).isEqualTo(303);
    assertThat(admin.get("/ui/audit?action=user.create").expect(200).html())
        .contains("user:dave", "role=member")
        .doesNotContain("dave-password-1234");
  }

  @Test
  void aRefusedUserFormShowsTheErrorNextToItsFieldAndNeverTheTypedPassword() {
    server.user("bob", "member");
    FormClient admin = admin();
    String csrf = admin.get("/ui/users/new").expect(200).csrf();

    String shortPassword =
        admin.post("/ui/users", userForm(csrf, "dave", "admin", "short-pw")).expect(400).html();
    assertThat(shortPassword)
        .contains(
            "<p class=\"field-error\" id=\"error-password\">password: 8 characters (expected: at"
                + " least 12 characters)",
            "value=\"dave\"",
            "<option value=\"admin\" selected>admin</option>")
        .doesNotContain("short-pw");

    String badName =
        admin
            .post("/ui/users", userForm(csrf, "Dave!", "member", "long-enough-password"))
            .expect(400)
            .html();
    assertThat(badName)
        .contains("<p class=\"field-error\" id=\"error-name\">name: 'Dave!'")
        .doesNotContain("long-enough-password");

    String badRole =
        admin
            .post("/ui/users", userForm(csrf, "dave", "root", "long-enough-password"))
            .expect(400)
            .html();
    assertThat(badRole).contains("id=\"error-role\">role: root (expected: admin or member)");

    String taken =
        admin
            .post("/ui/users", userForm(csrf, "bob", "member", "long-enough-password"))
            .expect(409)
            .html();
    assertThat(taken).contains("id=\"error-name\">user 'bob' already exists");
    server.admin.get("/api/v1/users/dave").expect(404);
  }

  @Test
  void anAdminChangesTheRoleResetsThePasswordAndDisablesAndEnablesAUser() {
    server.user("bob", "member");
    FormClient admin = admin();
    FormClient.Page edit = admin.get("/ui/users/bob/edit").expect(200);
    assertThat(edit.html())
        .contains(
            "action=\"/ui/users/bob\"",
            "readonly",
            "id=\"disabled\"",
            "<option value=\"member\" selected>member</option>")
        .doesNotContain("bob-password-123");
    String csrf = edit.csrf();

    admin
        .post("/ui/users/bob", Map.of("_csrf", csrf, "role", "admin", "password", ""))
        .expectRedirect("/ui/users");
    assertThat(server.admin.get("/api/v1/users/bob").json().get("role").asText())
        .isEqualTo("admin");

    admin
        .post(
            "/ui/users/bob",
            Map.of("_csrf", csrf, "role", "admin", "password", "bob-new-password-456"))
        .expectRedirect("/ui/users");
    assertThat(signInStatus("bob", "bob-password-123")).isEqualTo(401);
    assertThat(signInStatus("bob", "bob-new-password-456")).isEqualTo(303);

    admin
        .post(
            "/ui/users/bob",
            Map.of("_csrf", csrf, "role", "admin", "disabled", "true", "password", ""))
        .expectRedirect("/ui/users");
    assertThat(admin.get("/ui/users").expect(200).html())
        .contains("<tr data-name=\"bob\" class=\"disabled\">");
    assertThat(signInStatus("bob", "bob-new-password-456")).isEqualTo(401);

    admin
        .post("/ui/users/bob", Map.of("_csrf", csrf, "role", "member", "password", ""))
        .expectRedirect("/ui/users");
    var bob = server.admin.get("/api/v1/users/bob").json();
    assertThat(bob.get("disabled").asBoolean()).isFalse();
    assertThat(bob.get("role").asText()).isEqualTo("member");
    assertThat(signInStatus("bob", "bob-new-password-456")).isEqualTo(303);

    String audit = admin.get("/ui/audit?target=user:bob&action=user.update").expect(200).html();
    assertThat(audit)
        .contains("role=admin", "password changed", "disabled=true", "role=member disabled=false")
        .doesNotContain("bob-new-password-456");
  }

  @Test
  void theServicesOwnRulesAndPasswordChecksAreShownOnTheEditPage() {
    server.user("bob", "member");
    FormClient admin = admin();
    String csrf = admin.get("/ui/users/admin/edit").expect(200).csrf();

    String self =
        admin
            .post(
                "/ui/users/admin",
                Map.of("_csrf", csrf, "role", "admin", "disabled", "true", "password", ""))
            .expect(409)
            .html();
    assertThat(self)
        .contains(
            "id=\"form-error\" role=\"alert\">you cannot disable yourself or take away your own"
                + " admin role");
    assertThat(server.admin.get("/api/v1/users/admin").json().get("disabled").asBoolean())
        .isFalse();

    String shortPassword =
        admin
            .post("/ui/users/bob", Map.of("_csrf", csrf, "role", "member", "password", "tiny"))
            .expect(400)
            .html();
    assertThat(shortPassword)
        .contains("id=\"error-password\">password: 4 characters (expected: at least 12")
        .doesNotContain("value=\"tiny\"");
    assertThat(signInStatus("bob", "bob-password-123")).isEqualTo(303);
    admin.get("/ui/users/nobody/edit").expect(404);
  }

  // ---- audit log

  @Test
  void theAuditLogShowsEventsNewestFirstAndFiltersThem() {
    server.user("bob", "member");
    server.admin.post("/api/v1/gateways", Map.of("name", "dc1")).expect(201);
    server.clock.advance(Duration.ofMinutes(10));
    var later = server.clock.instant();
    server.admin.post("/api/v1/gateways", Map.of("name", "dc2")).expect(201);
    FormClient admin = admin();

    String all = admin.get("/ui/audit").expect(200).html();
    assertThat(all)
        .contains(
            "id=\"audit\"",
            "id=\"audit-filters\"",
            "<td class=\"actor\">admin</td>",
            "<td class=\"detail\">role=member</td>")
        .doesNotContain("id=\"older\"", "id=\"newer\"");
    String dc1 = "<td class=\"target\">gateway:dc1</td>";
    String dc2 = "<td class=\"target\">gateway:dc2</td>";
    assertThat(all.indexOf(dc2)).as("dc2 (newer) above dc1").isLessThan(all.indexOf(dc1));
    assertThat(all).contains("<code>auth.login</code>", dc1);

    String byTarget = admin.get("/ui/audit?target=gateway%3Adc1").expect(200).html();
    assertThat(byTarget).contains(dc1, "value=\"gateway:dc1\"").doesNotContain(dc2, "user:bob");
    String byAction = admin.get("/ui/audit?action=user.create&actor=admin").expect(200).html();
    assertThat(byAction).contains("user:bob").doesNotContain("<code>gateway.create</code>");
    String since = admin.get("/ui/audit?since=" + later + "&action=gateway.create").html();
    assertThat(since).contains(dc2).doesNotContain(dc1);
    String until = admin.get("/ui/audit?until=" + later + "&action=gateway.create").html();
    assertThat(until).contains(dc1).doesNotContain(dc2);
    assertThat(admin.get("/ui/audit?actor=nobody").expect(200).html()).contains("id=\"no-events\"");
    assertThat(byTarget).contains("href=\"/ui/audit/export?target=gateway%3Adc1\"");

    String bad = admin.get("/ui/audit?since=yesterday").expect(400).html();
    assertThat(bad)
        .contains(
            "<p class=\"field-error\" id=\"error-since\">since: yesterday (expected: an ISO-8601",
            "value=\"yesterday\"");
  }

  @Test
  void theAuditLogPagesAndTheExportHasEveryMatchingEventAsJsonLines() throws Exception {
    server.admin.post("/api/v1/gateways", Map.of("name", "dc1")).expect(201);
    int tokens = 520;
    for (int i = 0; i < tokens; i++) {
      server.admin.post("/api/v1/gateways/dc1/enroll-token", Map.of()).expect(201);
    }
    server.user("bob", "member");
    FormClient admin = admin();

    String first = admin.get("/ui/audit?action=gateway.enroll-token").expect(200).html();
    assertThat(first.split("<tr data-id=")).hasSize(51);
    assertThat(first)
        .contains("id=\"older\" href=\"/ui/audit?action=gateway.enroll-token&amp;offset=50\"")
        .doesNotContain("id=\"newer\"");
    String second = admin.get("/ui/audit?action=gateway.enroll-token&offset=50").html();
    assertThat(second).contains("id=\"newer\"", "id=\"older\"");

    FormClient.Page export = admin.get("/ui/audit/export?action=gateway.enroll-token");
    export.expect(200);
    assertThat(export.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/x-ndjson");
    assertThat(export.headers().firstValue("Content-Disposition").orElseThrow())
        .matches("attachment; filename=\"kpam-audit-\\d{8}-\\d{6}\\.jsonl\"");
    List<JsonNode> lines = new ArrayList<>();
    for (String line : export.html().split("\n")) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines).hasSize(tokens);
    assertThat(lines)
        .allSatisfy(e -> assertThat(e.get("action").asText()).isEqualTo("gateway.enroll-token"));
    assertThat(lines.stream().map(e -> e.get("id").asLong()).distinct()).hasSize(tokens);

    // The same objects as the REST API.
    JsonNode newest =
        server
            .admin
            .get("/api/v1/audit?action=gateway.enroll-token&limit=1")
            .expect(200)
            .json()
            .get("items")
            .get(0);
    assertThat(lines.get(0)).isEqualTo(newest);

    String everything = admin.get("/ui/audit/export").expect(200).html();
    assertThat(everything)
        .contains("\"action\":\"user.create\"")
        .doesNotContain("bob-password-123")
        .doesNotContain("kpge_");
    admin.get("/ui/audit/export?until=soon").expect(400);
  }

  // ---- who may

  @Test
  void aMemberGetsTheForbiddenPageOnEveryAdminPage() {
    Fixtures.enrolledGateway(server, "dc1");
    server.user("bob", "member");
    FormClient bob = FormClient.signedIn(server, "bob", "bob-password-123");
    for (String path :
        List.of(
            "/ui/gateways",
            "/ui/gateways/new",
            "/ui/gateways/dc1/delete",
            "/ui/users",
            "/ui/users/new",
            "/ui/users/bob/edit",
            "/ui/audit",
            "/ui/audit/export")) {
      assertThat(bob.get(path).expect(403).html())
          .as(path)
          .contains("<html", "this page needs the admin role");
    }
    String csrf = bob.get("/ui/resources").expect(200).csrf();
    bob.post("/ui/gateways", Map.of("_csrf", csrf, "name", "dc9")).expect(403);
    bob.post("/ui/gateways/dc1/enroll-token", Map.of("_csrf", csrf)).expect(403);
    bob.post("/ui/gateways/dc1/delete", Map.of("_csrf", csrf)).expect(403);
    bob.post("/ui/users", userForm(csrf, "eve", "admin", "eve-password-1234")).expect(403);
    bob.post("/ui/users/bob", Map.of("_csrf", csrf, "role", "admin", "password", "")).expect(403);
    server.admin.get("/api/v1/gateways/dc9").expect(404);
    server.admin.get("/api/v1/gateways/dc1").expect(200);
    server.admin.get("/api/v1/users/eve").expect(404);
    assertThat(server.admin.get("/api/v1/users/bob").json().get("role").asText())
        .isEqualTo("member");
  }

  @Test
  void everyPostNeedsTheCsrfTokenOfTheSession() {
    Fixtures.enrolledGateway(server, "dc1");
    server.user("bob", "member");
    FormClient admin = admin();
    Map<String, Map<String, String>> posts =
        Map.of(
            "/ui/gateways", Map.of("name", "dc9"),
            "/ui/gateways/dc1/enroll-token", Map.of(),
            "/ui/gateways/dc1/delete", Map.of(),
            "/ui/users", Map.of("name", "eve", "role", "admin", "password", "eve-password-1234"),
            "/ui/users/bob",
                Map.of("role", "admin", "disabled", "true", "password", "bob-other-password"));
    for (var post : posts.entrySet()) {
      assertThat(admin.post(post.getKey(), post.getValue()).expect(403).html())
          .as(post.getKey())
          .contains("the form is stale");
      Map<String, String> wrong = new HashMap<>(post.getValue());
      wrong.put("_csrf", "not-the-token");
      admin.post(post.getKey(), wrong).expect(403);
    }
    server.admin.get("/api/v1/gateways/dc9").expect(404);
    server.admin.get("/api/v1/gateways/dc1").expect(200);
    server.admin.get("/api/v1/users/eve").expect(404);
    var bob = server.admin.get("/api/v1/users/bob").json();
    assertThat(bob.get("role").asText()).isEqualTo("member");
    assertThat(bob.get("disabled").asBoolean()).isFalse();
    assertThat(server.admin.get("/api/v1/audit?action=gateway.enroll-token").json().get("items"))
        .isEmpty();
  }

  @Test
  void withoutASessionTheAdminPagesRedirectToSignIn() {
    FormClient anonymous = new FormClient(server.server.url());
    for (String path :
        List.of("/ui/gateways", "/ui/gateways/new", "/ui/users", "/ui/audit", "/ui/audit/export")) {
      anonymous.get(path).expectRedirect("/ui/login");
    }
  }
}
