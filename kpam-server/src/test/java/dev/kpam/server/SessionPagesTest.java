package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.server.ui.SessionPages;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The sessions pages over plain HTTP: sessions opened through the REST API and their events
 * uploaded the way a gateway uploads them, then read as the list, the session page, the fragments
 * htmx polls, and terminated through the confirmation form.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class SessionPagesTest extends ServerTestBase {
  private static final Pattern ROW = Pattern.compile("<tr data-id=");

  SessionPagesTest(Backend backend) {
    super(backend);
  }

  private FormClient admin() {
    return FormClient.signedIn(server, "admin", TestServer.ADMIN_PASSWORD);
  }

  private String status(String sessionId) {
    return server
        .admin
        .get("/api/v1/sessions/" + sessionId)
        .expect(200)
        .json()
        .get("status")
        .asText();
  }

  private static long rows(String html) {
    return ROW.matcher(html).results().count();
  }

  @Test
  void theListShowsEachSessionWithItsStatusAndFiltersThatStayInTheUrl() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    Fixtures.resourceWithAccountOn(server, "staging", "dc1");
    String onProd = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    String onStaging = Fixtures.openSession(server.admin, "staging", "admin", "1h");
    server.admin.post("/api/v1/sessions/" + onStaging + "/end", Map.of()).expect(200);
    FormClient admin = admin();

    String all = admin.get("/ui/sessions").expect(200).html();
    assertThat(all)
        .contains(
            "id=\"sessions\"",
            "id=\"session-filters\"",
            "id=\"filter-user\"",
            "<tr data-id=\"" + onProd + "\">",
            "<tr data-id=\"" + onStaging + "\">",
            "class=\"session\" href=\"/ui/sessions/" + onProd + "\"",
            "<span class=\"status status-active\">active</span>",
            "<span class=\"status status-ended\">ended</span>",
            "hx-get=\"/ui/sessions/rows\"",
            "hx-trigger=\"every 2s\"");
    assertThat(all).doesNotContain("id=\"older\"", "id=\"newer\"");

    String prod = admin.get("/ui/sessions?resource=prod&status=active").expect(200).html();
    assertThat(prod)
        .contains(
            "<tr data-id=\"" + onProd + "\">",
            "id=\"filter-resource\" name=\"resource\" type=\"text\" value=\"prod\"",
            "<option value=\"ACTIVE\" selected>",
            "hx-get=\"/ui/sessions/rows?resource=prod&amp;status=ACTIVE\"")
        .doesNotContain(onStaging);
    String ended = admin.get("/ui/sessions?status=ENDED").expect(200).html();
    assertThat(ended).contains("<tr data-id=\"" + onStaging + "\">").doesNotContain(onProd);

    String fragment = admin.get("/ui/sessions/rows?resource=staging").expect(200).html();
    assertThat(fragment.strip()).startsWith("<tr data-id=\"" + onStaging + "\">");
    assertThat(fragment).doesNotContain("<html", onProd);
    String none = admin.get("/ui/sessions/rows?resource=nothing-here").expect(200).html();
    assertThat(none).contains("id=\"no-sessions\"");

    String malformed = admin.get("/ui/sessions?since=yesterday").expect(400).html();
    assertThat(malformed)
        .contains("id=\"filter-error\"", "since: yesterday (expected: an ISO-8601 instant")
        .doesNotContain("hx-trigger");
  }

  @Test
  void aLongListPagesNewestFirstWithAnOlderLink() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    List<String> opened = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      opened.add(Fixtures.openSession(server.admin, "prod", "admin", "1h"));
      server.clock.advance(java.time.Duration.ofSeconds(1));
    }
    FormClient admin = admin();

    String first = admin.get("/ui/sessions?resource=prod").expect(200).html();
    assertThat(rows(first)).isEqualTo(50);
    assertThat(first)
        .contains(
            "<tr data-id=\"" + opened.get(50) + "\">",
            "id=\"older\" href=\"/ui/sessions?resource=prod&amp;offset=50\"")
        .doesNotContain(opened.get(0), "id=\"newer\"");
    String older = admin.get("/ui/sessions?resource=prod&offset=50").expect(200).html();
    assertThat(rows(older)).isEqualTo(1);
    assertThat(older)
        .contains(
            "<tr data-id=\"" + opened.get(0) + "\">",
            "id=\"newer\" href=\"/ui/sessions?resource=prod\"",
            "hx-get=\"/ui/sessions/rows?resource=prod&amp;offset=50\"")
        .doesNotContain("id=\"older\"");
  }

  @Test
  void aMemberSeesOnlyTheirOwnSessionsAndCannotTerminate() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    server.user("bob", "member");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "bob"))
        .expect(200);
    Api bobApi = server.anonymous.login("bob", "bob-password-123");
    String bobs = Fixtures.openSession(bobApi, "prod", "admin", "1h");
    String admins = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    FormClient bob = FormClient.signedIn(server, "bob", "bob-password-123");

    String list = bob.get("/ui/sessions?user=admin").expect(200).html();
    assertThat(list)
        .contains("<tr data-id=\"" + bobs + "\">")
        .doesNotContain(admins, "id=\"filter-user\"");
    assertThat(bob.get("/ui/sessions/rows").expect(200).html()).doesNotContain(admins);
    assertThat(bob.get("/ui/sessions/" + admins).expect(404).html()).contains("Not found");
    bob.get("/ui/sessions/" + admins + "/live").expect(404);

    FormClient.Page own = bob.get("/ui/sessions/" + bobs).expect(200);
    assertThat(own.html()).contains("id=\"session-meta\"").doesNotContain("id=\"terminate\"");
    assertThat(bob.get("/ui/sessions/" + bobs + "/terminate").expect(403).html())
        .contains("Not allowed");
    bob.post("/ui/sessions/" + bobs + "/terminate", Map.of("_csrf", own.csrf(), "reason", "mine"))
        .expect(403);
    assertThat(status(bobs)).isEqualTo("ACTIVE");
  }

  @Test
  void theSessionPageShowsCommandsWithExpandableRequestsAndMarksDenialsAndFailures() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    Events events = new Events(dc1, id);
    events.request("k-1", "kubectl get", "GET", "/api/v1/namespaces/web/pods", "web", "pods", 200);
    events.request(
        "k-2", "kubectl get", "GET", "/api/v1/namespaces/web/secrets", "web", "secrets", 403);
    events.request("k-3", "kubectl get", "GET", "/api/v1/nodes", null, "nodes", 403);
    events.request("k-4", "kubectl get", "GET", "/api/v1/namespaces/db/pods", "db", "pods", 502);
    events.exec("k-5", "web", "sh");
    events.upload();

    String html = admin().get("/ui/sessions/" + id).expect(200).html();

    assertThat(html)
        .contains(
            "id=\"session-meta\"",
            "id=\"session-status\" class=\"status status-active\">active<",
            "id=\"session-expires\"",
            "id=\"summary-commands\">5<",
            "id=\"terminate\" href=\"/ui/sessions/" + id + "/terminate\"",
            "id=\"commands\"",
            "<li class=\"command\" data-index=\"0\" data-line=\"kubectl get pods -n web\">",
            "<li class=\"command denied\" data-index=\"1\"",
            "<li class=\"command denied\" data-index=\"2\"",
            "<li class=\"command error\" data-index=\"3\"",
            "<span class=\"badge denied\">denied</span>",
            "<span class=\"badge error\">failed</span>",
            "<details id=\"requests-0\">",
            "<tr class=\"request denied\" data-id=\"r-2\">",
            "denied by kpam</span>",
            "not granted by policy",
            "<p class=\"refusal\">not granted by policy</p>",
            "<tr class=\"request denied\" data-id=\"r-3\">",
            "denied by Kubernetes</span>",
            "<tr class=\"request error\" data-id=\"r-4\">",
            "upstream unreachable",
            "<code>/api/v1/namespaces/web/pods?limit=500</code>",
            "id=\"recordings\"",
            "class=\"recording\" href=\"/ui/sessions/" + id + "/recordings/r-6\"",
            "hx-get=\"/ui/sessions/" + id + "/live?seen=active.",
            "hx-trigger=\"every 2s\"",
            "src=\"/ui/assets/sessions.js\"");
    assertThat(html).doesNotContain(Fixtures.SA_TOKEN, "id=\"recording-incomplete\"");
  }

  @Test
  void aWebSocketRefusalRetriedOverSpdyIsNotedNotDeniedAndTheExitCodeShows() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    Events events = new Events(dc1, id);
    events.execRetriedOverSpdy("k-1", "web", 1);
    events.upload();

    String html = admin().get("/ui/sessions/" + id).expect(200).html();

    assertThat(html)
        .contains(
            "<li class=\"command\" data-index=\"0\" data-line=\"kubectl exec web -- false\">",
            "<span class=\"result exit-code\">exit 1</span>",
            "<p class=\"hint command-note\">the API server refused the WebSocket upgrade",
            "<tr class=\"request\" data-id=\"r-1\">",
            "WebSocket refused by the API server; retried over SPDY</span>");
    assertThat(html).doesNotContain("denied by Kubernetes", "badge denied");
  }

  @Test
  void theLiveFragmentShowsNewCommandsAndStopsPollingOnceTheSessionIsOver() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    FormClient admin = admin();
    FormClient.Page first = admin.get("/ui/sessions/" + id + "/live").expect(200);
    String before = first.html();
    assertThat(before.strip()).startsWith("<div id=\"session-live\"");
    assertThat(before).contains("hx-trigger=\"every 2s\"", "id=\"no-commands\"");
    assertThat(before).doesNotContain("<html", "data-line=");
    // Polling at the version shown: nothing changed, nothing to swap.
    String poll = first.hxGet();
    admin.get(poll).expect(204);
    admin.get(poll).expect(204);

    Events events = new Events(dc1, id);
    events.request("k-1", "kubectl get", "GET", "/api/v1/namespaces/web/pods", "web", "pods", 200);
    events.upload();
    FormClient.Page changed = admin.get(poll).expect(200);
    assertThat(changed.html())
        .contains("data-line=\"kubectl get pods -n web\"", "hx-trigger=\"every 2s\"");
    assertThat(changed.hxGet()).isNotEqualTo(poll);
    admin.get(changed.hxGet()).expect(204);

    server.admin.post("/api/v1/sessions/" + id + "/end", Map.of("reason", "done")).expect(200);
    String ended = admin.get(changed.hxGet()).expect(200).html();
    assertThat(ended)
        .contains("status status-ended\">ended<", "id=\"end-reason\">done<")
        .doesNotContain("hx-trigger", "hx-get", "data-running-ms");
    assertThat(admin.get("/ui/sessions/" + id).expect(200).html())
        .doesNotContain("hx-trigger", "id=\"terminate\"");
  }

  @Test
  void aWatchShowsAsRunningFromWhenItBeginsUntilItEnds() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    Events events = new Events(dc1, id);
    events.request("k-w", "kubectl get", "GET", "/api", "", "", 200);
    Map<String, Object> watch = events.watchOpened("k-w", "web");
    events.upload();
    FormClient admin = admin();

    String running = admin.get("/ui/sessions/" + id).expect(200).html();
    assertThat(running)
        .contains(
            "data-line=\"kubectl get pods -n web\"",
            "<span class=\"badge running\">running</span>",
            "<code>/api/v1/namespaces/web/pods?watch=true</code>");
    JsonNode command = server.admin.get("/api/v1/sessions/" + id + "/commands").expect(200).json();
    assertThat(command.at("/items/0/running").asInt()).isEqualTo(1);
    assertThat(command.at("/items/0/requests").asInt()).isEqualTo(2);

    events.ended(watch, 200);
    events.upload();
    String ended = admin.get("/ui/sessions/" + id).expect(200).html();
    assertThat(ended).contains("status 200").doesNotContain("badge running");
    command = server.admin.get("/api/v1/sessions/" + id + "/commands").expect(200).json();
    assertThat(command.at("/items/0/running").asInt()).isZero();
    assertThat(command.at("/items/0/requests").asInt()).isEqualTo(2);
  }

  @Test
  void aSessionOfThousandsOfCommandsListsTheNewestWithTheirFirstRequests() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    Events events = new Events(dc1, id);
    int commands = SessionPages.COMMANDS_SHOWN + 5;
    for (int i = 0; i < commands; i++) {
      events.request(
          "k-" + i,
          "kubectl get",
          "GET",
          "/api/v1/namespaces/ns" + i + "/pods",
          "ns" + i,
          "pods",
          200);
    }
    for (int i = 0; i < SessionPages.REQUESTS_SHOWN + 7; i++) {
      events.request(
          "k-last", "kubectl get", "GET", "/api/v1/namespaces/last/pods", "last", "pods", 200);
    }
    events.upload();

    String html = admin().get("/ui/sessions/" + id).expect(200).html();
    assertThat(html)
        .contains(
            "id=\"earlier-commands\">6 earlier commands are not listed",
            "data-line=\"kubectl get pods -n ns6\"",
            "data-line=\"kubectl get pods -n last\"",
            "7 more requests of this command are not listed")
        .doesNotContain("data-line=\"kubectl get pods -n ns5\"");
    assertThat(html.split("<li class=\"command", -1)).hasSize(SessionPages.COMMANDS_SHOWN + 1);
  }

  @Test
  void anAdminTerminatesASessionWithAReasonAfterConfirming() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    FormClient admin = admin();
    FormClient.Page confirm = admin.get("/ui/sessions/" + id + "/terminate").expect(200);
    assertThat(confirm.html())
        .contains(
            "id=\"terminate-form\"",
            "<label for=\"reason\">",
            "id=\"reason\"",
            "id=\"confirm-terminate\"");
    String path = "/ui/sessions/" + id + "/terminate";

    String empty =
        admin.post(path, Map.of("_csrf", confirm.csrf(), "reason", "  ")).expect(400).html();
    assertThat(empty).contains("id=\"error-reason\"", "reason: missing");
    admin.post(path, Map.of("reason", "incident 42")).expect(403);
    admin.post(path, Map.of("_csrf", "forged", "reason", "incident 42")).expect(403);
    String tooLong =
        admin
            .post(path, Map.of("_csrf", confirm.csrf(), "reason", "x".repeat(1001)))
            .expect(400)
            .html();
    assertThat(tooLong).contains("id=\"error-reason\"", "reason: 1001 characters");
    assertThat(status(id)).isEqualTo("ACTIVE");

    admin
        .post(path, Map.of("_csrf", confirm.csrf(), "reason", "incident 42"))
        .expectRedirect("/ui/sessions/" + id);

    assertThat(status(id)).isEqualTo("TERMINATED");
    String page = admin.get("/ui/sessions/" + id).expect(200).html();
    assertThat(page)
        .contains(
            "id=\"session-status\" class=\"status status-terminated\">terminated<",
            "id=\"end-reason\">incident 42<",
            "id=\"ended-by\">admin<")
        .doesNotContain("id=\"terminate\"", "hx-trigger");
    assertThat(admin.get(path).expect(409).html()).contains("is already TERMINATED");
    admin.post(path, Map.of("_csrf", confirm.csrf(), "reason", "again")).expect(409);
  }

  @Test
  void anUnknownSessionIsANotFoundPageAndNoSignInIsARedirect() {
    FormClient admin = admin();
    assertThat(admin.get("/ui/sessions/no-such-session").expect(404).html())
        .contains("Not found", "session 'no-such-session' not found");
    admin.get("/ui/sessions/no-such-session/live").expect(404);
    admin.get("/ui/sessions/no-such-session/terminate").expect(404);

    FormClient anonymous = new FormClient(server.server.url());
    anonymous.get("/ui/sessions").expectRedirect("/ui/login");
    anonymous.get("/ui/sessions/rows").expectRedirect("/ui/login");
  }

  @Test
  void aPollAfterTheSignInLapsedSendsTheWholePageToSignIn() throws Exception {
    HttpResponse<String> poll =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.server.url().resolve("/ui/sessions/rows"))
                    .header("HX-Request", "true")
                    .header("Cookie", "kpam_ui=revoked-or-made-up")
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(poll.statusCode()).isEqualTo(204);
    assertThat(poll.headers().firstValue("HX-Redirect")).contains("/ui/login");
    assertThat(poll.body()).isEmpty();
  }

  /** A session's events uploaded the way its gateway uploads them (docs/RECORDING.md §1). */
  private final class Events {
    private final GatewayUpload events;
    private int requests;

    Events(Fixtures.Enrolled gateway, String sessionId) {
      this.events = new GatewayUpload(gateway, sessionId, Duration.ofMillis(200));
    }

    /** A resource request; kpam's own 403 and 502 say why in {@code error}. */
    String request(
        String kubectlSession,
        String kubectlCommand,
        String method,
        String path,
        String namespace,
        String resource,
        int status) {
      String id = "r-" + ++requests;
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("id", id);
      data.put("method", method);
      data.put("path", path);
      data.put("query", path.endsWith("/pods") ? "limit=500" : "");
      data.put("verb", "list");
      data.put("apiGroup", "");
      data.put("apiVersion", "v1");
      data.put("resource", resource);
      data.put("namespace", namespace);
      data.put("name", null);
      data.put("resourceRequest", true);
      data.put("status", status);
      data.put("latencyMs", 120);
      data.put("bytesIn", 0);
      data.put("bytesOut", 800);
      data.put("userAgent", "kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0");
      data.put("kubectlCommand", kubectlCommand);
      data.put("kubectlSession", kubectlSession);
      data.put(
          "error",
          switch (resource + status) {
            case "secrets403" -> "not granted by policy";
            case "pods502" -> "upstream unreachable";
            default -> null;
          });
      add("request", data);
      return id;
    }

    /** A watch that has begun: its {@code request_open} event, status 0, no latency yet. */
    Map<String, Object> watchOpened(String kubectlSession, String namespace) {
      request(
          kubectlSession,
          "kubectl get",
          "GET",
          "/api/v1/namespaces/" + namespace + "/pods",
          namespace,
          "pods",
          0);
      Map<String, Object> data = new LinkedHashMap<>(lastData());
      data.put("query", "watch=true");
      data.put("latencyMs", 0);
      events.replaceLast("request_open", data);
      return data;
    }

    /** The {@code request} event that ends an exchange begun with a {@code request_open}. */
    void ended(Map<String, Object> opened, int status) {
      Map<String, Object> data = new LinkedHashMap<>(opened);
      data.put("status", status);
      data.put("latencyMs", 30_000);
      add("request", data);
    }

    /** {@code kubectl exec POD -- COMMAND}: the pod read, the upgrade, its recording. */
    void exec(String kubectlSession, String pod, String command) {
      request(
          kubectlSession,
          "kubectl exec",
          "GET",
          "/api/v1/namespaces/web/pods/" + pod,
          "web",
          "pods",
          200);
      String id = "r-" + (requests + 1);
      add(
          "recording",
          Map.of(
              "recordingId",
              id,
              "index",
              0,
              "lines",
              List.of(
                  "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1795867200,"
                      + "\"kubernetes\":{\"namespace\":\"web\",\"pod\":\""
                      + pod
                      + "\",\"container\":\"app\",\"command\":[\""
                      + command
                      + "\"]}}",
                  "[0.5, \"o\", \"$ \"]")));
      String upgrade = request(kubectlSession, "kubectl exec", "GET", "", "web", "pods", 101);
      Map<String, Object> exec = lastData();
      exec.put("path", "/api/v1/namespaces/web/pods/" + pod + "/exec");
      exec.put("query", "command=" + command + "&stdin=true&stdout=true&tty=true");
      exec.put("name", pod);
      exec.put("subresource", "exec");
      exec.put("upgrade", "v5.channel.k8s.io");
      Map<String, Object> stream = new LinkedHashMap<>();
      stream.put("requestId", upgrade);
      stream.put("recordingId", upgrade);
      stream.put("kind", "exec");
      stream.put("namespace", "web");
      stream.put("pod", pod);
      stream.put("container", "app");
      stream.put("command", List.of(command));
      stream.put("durationMs", 4_000);
      stream.put("bytesFromClient", 5);
      stream.put("bytesFromServer", 40);
      add("stream", stream);
    }

    /**
     * kubectl ≥ 1.30 against a server before 1.30: the WebSocket {@code GET} of the exec refused
     * with 403 by the API server, then the same exec as a SPDY {@code POST} (101), ending with an
     * exit code.
     */
    void execRetriedOverSpdy(String kubectlSession, String pod, int exitCode) {
      for (String method : List.of("GET", "POST")) {
        String id =
            request(
                kubectlSession,
                "kubectl exec",
                method,
                "",
                "web",
                "pods",
                method.equals("GET") ? 403 : 101);
        Map<String, Object> exec = lastData();
        exec.put("path", "/api/v1/namespaces/web/pods/" + pod + "/exec");
        exec.put("query", "command=false&stdout=true");
        exec.put("name", pod);
        exec.put("subresource", "exec");
        if (method.equals("POST")) {
          Map<String, Object> stream = new LinkedHashMap<>();
          stream.put("requestId", id);
          stream.put("kind", "exec");
          stream.put("pod", pod);
          stream.put("exitCode", exitCode);
          add("stream", stream);
        }
      }
    }

    private Map<String, Object> lastData() {
      return events.lastData();
    }

    private void add(String type, Map<String, Object> data) {
      events.add(type, data);
    }

    void upload() {
      events.upload();
    }
  }
}
