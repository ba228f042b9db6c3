package dev.kpam.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.crypto.pki.Csrs;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.server.KpamServer;
import dev.kpam.server.ServerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code kpam} admin commands against a real server (SQLite, port 0), run in-process through
 * the executable's own command root, each person with their own config directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliAgainstServerTest {
  private static final String ADMIN_PASSWORD = "admin-password-for-tests";
  private static final String MEMBER_PASSWORD = "member-password-for-tests";
  private static final AtomicInteger names = new AtomicInteger();

  @TempDir static Path temp;

  private KpamServer server;
  private String url;
  private KpamCli admin;

  @BeforeAll
  void startServerAndLogInAsAdmin() {
    server =
        KpamServer.start(
            ServerConfig.builder()
                .dataDir(temp.resolve("server"))
                .bindHost("127.0.0.1")
                .httpPort(0)
                .relayPort(0)
                .bootstrapPassword(ADMIN_PASSWORD)
                .build());
    url = "http://127.0.0.1:" + server.httpPort();
    admin = new KpamCli(temp.resolve("admin"));
    ok(login(admin, "admin", ADMIN_PASSWORD));
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void adminLogsInWithPasswordFromStdinAndCreatesAUserThatTheListShows() {
    KpamCli cli = new KpamCli(temp.resolve(unique("cfg")));

    KpamCli.Result login = login(cli, "admin", ADMIN_PASSWORD);
    assertThat(login.out()).isEqualTo("Logged in to " + url + " as admin (admin)\n");

    String name = unique("dora");
    JsonNode created =
        ok(cli.runWithInput(
                MEMBER_PASSWORD + "\n",
                "users",
                "create",
                "--name",
                name,
                "--role",
                "member",
                "--password-stdin",
                "-o",
                "json"))
            .json();
    assertThat(created.path("name").asText()).isEqualTo(name);

    JsonNode users = ok(cli.run("users", "list", "-o", "json")).json();
    assertThat(users.isArray()).isTrue();
    JsonNode dora = find(users, "name", name);
    assertThat(dora.path("role").asText()).isEqualTo("member");
    assertThat(dora.path("disabled").asBoolean()).isFalse();
    assertThat(dora.path("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

    KpamCli.Result table = ok(cli.run("users", "list"));
    assertThat(table.out()).startsWith("NAME").contains(name);
  }

  @Test
  void aGeneratedPasswordIsPrintedOnceAndWorks() {
    String name = unique("gen");

    KpamCli.Result created = ok(admin.run("users", "create", "--name", name, "--role", "member"));

    String line =
        created.out().lines().filter(l -> l.startsWith("Password")).findFirst().orElseThrow();
    String password = line.substring(line.lastIndexOf(' ') + 1);
    assertThat(password).hasSize(20);
    KpamCli cli = new KpamCli(temp.resolve(unique("cfg")));
    assertThat(login(cli, name, password).out()).contains("as " + name + " (member)");
  }

  @Test
  void aMemberCannotCreateGateways() {
    KpamCli member = member(unique("mia"));

    KpamCli.Result result = member.run("gateways", "create", "--name", unique("gw"));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).startsWith("error: ").containsIgnoringCase("admin");
  }

  @Test
  void gatewaysCreateAsJsonHasTheEnrollToken() {
    String name = unique("gw");

    JsonNode created = ok(admin.run("gateways", "create", "--name", name, "-o", "json")).json();

    assertThat(created.path("enrollToken").asText()).isNotBlank();
    assertThat(created.path("enrollTokenExpiresAt").isTextual()).isTrue();
    assertThat(created.path("gateway").path("name").asText()).isEqualTo(name);
    assertThat(created.path("gateway").path("status").asText()).isEqualTo("pending");
    assertThat(created.path("command").asText()).contains(created.path("enrollToken").asText());

    KpamCli.Result table = ok(admin.run("gateways", "list"));
    assertThat(table.out()).startsWith("NAME").contains("LAST HEARTBEAT").contains(name);
    assertThat(table.out()).contains("INSTANCES").contains("0/0 online");

    ok(admin.run("gateways", "delete", name));
    assertThat(ok(admin.run("gateways", "list")).out()).doesNotContain(name);
  }

  @Test
  void relaysAreRegisteredListedAndDeletedAndTheTokenIsShownOnlyOnce() {
    String name = unique("relay");

    KpamCli.Result text = ok(admin.run("relays", "create", name));
    String token = text.out().replaceAll("(?s).*Enrollment token \\(.*?\\): (\\S+).*", "$1");
    assertThat(token).startsWith("kpre_");
    assertThat(text.out())
        .contains("kpam relay --server " + server.url() + " --enroll-token " + token)
        .contains("--relay-address HOST:PORT");

    KpamCli.Result table = ok(admin.run("relays", "list"));
    assertThat(table.out()).startsWith("NAME").contains(name).contains("pending");
    assertThat(table.out()).doesNotContain(token);
    assertThat(ok(admin.run("relays", "list", "-o", "json")).json().toString())
        .doesNotContain(token);

    ok(admin.run("relays", "delete", name));
    assertThat(ok(admin.run("relays", "list")).out()).doesNotContain(name);
    KpamCli.Result again = admin.run("relays", "delete", name);
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).isEqualTo("error: relay '" + name + "' not found\n");
  }

  @Test
  void resourcesAndAccountsAreCreatedAndListedAsCamelCaseJson() {
    String gateway = gateway();
    String resource = unique("prod");

    JsonNode created =
        ok(admin.run(
                "resources",
                "create",
                "--name",
                resource,
                "--url",
                "https://10.0.0.1:6443",
                "--gateway",
                gateway,
                "--server-name",
                "kubernetes",
                "-o",
                "json"))
            .json();
    assertThat(created.path("name").asText()).isEqualTo(resource);
    assertThat(created.path("serverName").asText()).isEqualTo("kubernetes");
    assertThat(created.has("insecureSkipTlsVerify")).isTrue();
    assertThat(created.path("createdAt").isTextual()).isTrue();

    JsonNode resources = ok(admin.run("resources", "list", "-o", "json")).json();
    assertThat(find(resources, "name", resource).path("gateway").asText()).isEqualTo(gateway);

    JsonNode account =
        ok(admin.runWithInput(
                "a-service-account-token\n",
                "accounts",
                "create",
                "--resource",
                resource,
                "--name",
                "admin",
                "--token-file",
                "-",
                "--max-duration",
                "2h",
                "--description",
                "cluster admin",
                "-o",
                "json"))
            .json();
    assertThat(account.path("maxSessionDuration").asText()).isEqualTo("2h");
    assertThat(account.path("tokenStored").asBoolean()).isTrue();
    assertThat(account.path("resource").asText()).isEqualTo(resource);

    JsonNode accounts =
        ok(admin.run("accounts", "list", "--resource", resource, "-o", "json")).json();
    assertThat(accounts).hasSize(1);
    assertThat(accounts.get(0).path("description").asText()).isEqualTo("cluster admin");

    JsonNode all = ok(admin.run("accounts", "list", "-o", "json")).json();
    assertThat(names(all)).contains(resource + "/admin");
  }

  @Test
  void anAccountsPolicyIsSetByPresetOrYamlFileAndShownInTheList() throws IOException {
    String resource = resource();
    ok(
        admin.runWithInput(
            "a-service-account-token\n",
            "accounts",
            "create",
            "--resource",
            resource,
            "--name",
            "viewer",
            "--token-file",
            "-",
            "--preset",
            "read-only"));
    KpamCli.Result table = ok(admin.run("accounts", "list", "--resource", resource));
    assertThat(table.out()).contains("POLICY").contains("read-only");

    Path policy = temp.resolve(unique("policy") + ".yaml");
    Files.writeString(
        policy,
        """
        # only the web team's namespaces, and no deleting there
        rules:
          - effect: deny
            verbs: [delete, deletecollection]
          - effect: allow
            verbs: ["*"]
            namespaces: [web, web-*]
        """);
    JsonNode updated =
        ok(admin.run(
                "accounts",
                "update",
                "--resource",
                resource,
                "--name",
                "viewer",
                "--policy",
                policy.toString(),
                "-o",
                "json"))
            .json();
    assertThat(updated.at("/policy/rules/1/namespaces/1").asText()).isEqualTo("web-*");
    JsonNode listed =
        ok(admin.run("accounts", "list", "--resource", resource, "-o", "json")).json();
    assertThat(listed.get(0).at("/policy/rules").size()).isEqualTo(2);
    assertThat(ok(admin.run("accounts", "list", "--resource", resource)).out())
        .contains("custom (2 rules)");

    Files.writeString(policy, "rules:\n  - effect: allow\n    verbs: [ecex]\n");
    KpamCli.Result wrong =
        admin.run(
            "accounts",
            "update",
            "--resource",
            resource,
            "--name",
            "viewer",
            "--policy",
            policy.toString());
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.err()).contains("policy.rules[0].verbs: unknown verb 'ecex'");
    KpamCli.Result both =
        admin.run(
            "accounts",
            "update",
            "--resource",
            resource,
            "--name",
            "viewer",
            "--policy",
            policy.toString(),
            "--preset",
            "no-exec");
    assertThat(both.exitCode()).isNotZero();
    assertThat(both.err()).contains("give --policy or --preset, not both");

    ok(
        admin.run(
            "accounts", "update", "--resource", resource, "--name", "viewer", "--preset", "none"));
    KpamCli.Result whatIf =
        ok(
            admin.run(
                "accounts",
                "what-if",
                "--resource",
                resource,
                "--name",
                "viewer",
                "--preset",
                "read-only",
                "--since",
                "2d"));
    assertThat(whatIf.out())
        .contains(resource + "/viewer since ")
        .contains(": 0 of 0 recorded requests would have been denied (0 sessions)");
    KpamCli.Result noDraft =
        admin.run("accounts", "what-if", "--resource", resource, "--name", "viewer");
    assertThat(noDraft.exitCode()).isNotZero();
    assertThat(noDraft.err()).contains("give the draft: --policy FILE or --preset NAME");
    KpamCli.Result tooFar =
        admin.run(
            "accounts",
            "what-if",
            "--resource",
            resource,
            "--name",
            "viewer",
            "--preset",
            "no-exec",
            "--since",
            "400d");
    assertThat(tooFar.err()).contains("since: '400d' (expected: more than 0 and at most 90d)");
    assertThat(
            ok(admin.run("accounts", "list", "--resource", resource, "-o", "json"))
                .json()
                .get(0)
                .get("policy")
                .isNull())
        .isTrue();
  }

  @Test
  void theAccountTokenNeverAppearsInAnyOutputOrInTheConfig() throws IOException {
    String token = "eyJhbGciOiJSUzI1NiJ9.never-shown-" + names.incrementAndGet();
    String resource = resource();
    String member = unique("tom");
    member(member);
    Path tokenFile = temp.resolve(unique("token"));
    Files.writeString(tokenFile, token + "-rotated\n");

    List<KpamCli.Result> results = new ArrayList<>();
    results.add(
        ok(
            admin.runWithInput(
                token + "\n",
                "accounts",
                "create",
                "--resource",
                resource,
                "--name",
                "viewer",
                "--token-file",
                "-")));
    results.add(ok(admin.run("accounts", "list")));
    results.add(ok(admin.run("accounts", "list", "-o", "json")));
    results.add(ok(admin.run("accounts", "list", "--resource", resource, "-o", "json")));
    results.add(
        ok(
            admin.run(
                "accounts",
                "update",
                "--resource",
                resource,
                "--name",
                "viewer",
                "--token-file",
                tokenFile.toString(),
                "-o",
                "json")));
    results.add(
        ok(
            admin.run(
                "accounts",
                "grant",
                "--resource",
                resource,
                "--name",
                "viewer",
                "--user",
                member,
                "-o",
                "json")));
    results.add(ok(admin.run("audit", "list", "-o", "json")));
    results.add(ok(admin.run("audit", "list")));
    results.add(
        admin.runWithInput(
            token + "\n",
            "accounts",
            "create",
            "--resource",
            resource,
            "--name",
            "viewer",
            "--token-file",
            "-"));

    assertThat(results.get(results.size() - 1).exitCode()).isEqualTo(1);
    assertThat(results).allSatisfy(r -> assertThat(r.all()).doesNotContain(token));
    assertThat(admin.configText()).doesNotContain(token);
  }

  @Test
  void aMemberListsOnlyTheAccountsGrantedToThem() {
    String resource = resource();
    for (String account : List.of("viewer", "editor")) {
      ok(
          admin.runWithInput(
              "token-" + account,
              "accounts",
              "create",
              "--resource",
              resource,
              "--name",
              account,
              "--token-file",
              "-"));
    }
    String name = unique("max");
    KpamCli member = member(name);
    ok(admin.run("accounts", "grant", "--resource", resource, "--name", "viewer", "--user", name));

    JsonNode granted = ok(member.run("accounts", "list", "-o", "json")).json();
    JsonNode ofResource =
        ok(member.run("accounts", "list", "--resource", resource, "-o", "json")).json();

    assertThat(names(granted)).containsExactly(resource + "/viewer");
    assertThat(names(ofResource)).containsExactly(resource + "/viewer");
    assertThat(
            names(ok(admin.run("accounts", "list", "--resource", resource, "-o", "json")).json()))
        .containsExactlyInAnyOrder(resource + "/viewer", resource + "/editor");

    ok(admin.run("accounts", "revoke", "--resource", resource, "--name", "viewer", "--user", name));
    assertThat(ok(member.run("accounts", "list", "-o", "json")).json()).isEmpty();
  }

  @Test
  void anAccountIsGrantedToAndRevokedFromAnIdentityProviderGroup() {
    String resource = resource();
    ok(
        admin.runWithInput(
            "token",
            "accounts",
            "create",
            "--resource",
            resource,
            "--name",
            "ops",
            "--token-file",
            "-"));

    JsonNode granted =
        ok(admin.run(
                "accounts",
                "grant",
                "--resource",
                resource,
                "--name",
                "ops",
                "--group",
                "sre",
                "-o",
                "json"))
            .json();
    assertThat(granted.get("grants").toString()).isEqualTo("[\"group:sre\"]");
    KpamCli.Result both =
        admin.run(
            "accounts",
            "grant",
            "--resource",
            resource,
            "--name",
            "ops",
            "--group",
            "sre",
            "--user",
            "x");
    assertThat(both.exitCode()).isNotZero();
    assertThat(both.err()).contains("mutually exclusive");

    JsonNode revoked =
        ok(admin.run(
                "accounts",
                "revoke",
                "--resource",
                resource,
                "--name",
                "ops",
                "--group",
                "sre",
                "-o",
                "json"))
            .json();
    assertThat(revoked.get("grants")).isEmpty();
  }

  @Test
  void sessionsAreListedShownAndEnded() throws Exception {
    String resource = resource();
    ok(
        admin.runWithInput(
            "token",
            "accounts",
            "create",
            "--resource",
            resource,
            "--name",
            "ops",
            "--token-file",
            "-"));
    String name = unique("sam");
    KpamCli member = member(name);
    ok(admin.run("accounts", "grant", "--resource", resource, "--name", "ops", "--user", name));
    String id = createSession(member, resource, "ops");

    JsonNode mine = ok(member.run("sessions", "list", "-o", "json")).json();
    assertThat(mine).hasSize(1);
    assertThat(mine.get(0).path("id").asText()).isEqualTo(id);
    assertThat(mine.get(0).path("status").asText()).isEqualTo("ACTIVE");

    JsonNode filtered =
        ok(admin.run(
                "sessions",
                "list",
                "--user",
                name,
                "--resource",
                resource,
                "--status",
                "active",
                "--since",
                "1h",
                "-o",
                "json"))
            .json();
    assertThat(filtered).hasSize(1);
    assertThat(
            ok(admin.run("sessions", "list", "--user", name, "--status", "ended", "-o", "json"))
                .json())
        .isEmpty();
    assertThat(ok(admin.run("sessions", "list")).out()).startsWith("ID").contains(id);
    assertThat(ok(admin.run("sessions", "show", id)).out()).contains("STATUS").contains("ACTIVE");

    JsonNode ended = ok(member.run("sessions", "end", id, "--reason", "done", "-o", "json")).json();
    assertThat(ended.path("status").asText()).isEqualTo("ENDED");
    assertThat(ended.path("endedAt").isTextual()).isTrue();

    KpamCli.Result terminateAsMember = member.run("sessions", "terminate", id);
    assertThat(terminateAsMember.exitCode()).isEqualTo(1);
    assertThat(terminateAsMember.err()).startsWith("error: ");
  }

  @Test
  void logoutRevokesTheTokenAndRemovesItButKeepsServerAndUser() throws Exception {
    KpamCli cli = new KpamCli(temp.resolve(unique("cfg")));
    ok(login(cli, "admin", ADMIN_PASSWORD));
    String token = cli.savedToken();

    KpamCli.Result logout = ok(cli.run("logout"));

    assertThat(logout.out()).isEqualTo("Logged out of " + url + ".\n");
    assertThat(cli.savedToken()).isNull();
    assertThat(cli.configText()).doesNotContain(token).contains(url).contains("\"admin\"");
    assertThat(get("/api/v1/auth/whoami", token).statusCode()).isEqualTo(401);
    KpamCli.Result after = cli.run("users", "list");
    assertThat(after.exitCode()).isEqualTo(1);
    assertThat(after.err())
        .isEqualTo("error: not logged in; run: kpam login --server " + url + " --user admin\n");

    KpamCli.Result again = ok(login(cli, null, ADMIN_PASSWORD, "login", "--password-stdin"));
    assertThat(again.out()).isEqualTo("Logged in to " + url + " as admin (admin)\n");
  }

  @Test
  void aRevokedLoginSaysHowToLogInAgain() throws Exception {
    KpamCli cli = new KpamCli(temp.resolve(unique("cfg")));
    ok(login(cli, "admin", ADMIN_PASSWORD));
    HttpResponse<String> revoked = post("/api/v1/auth/logout", cli.savedToken());
    assertThat(revoked.statusCode()).isEqualTo(204);

    KpamCli.Result result = cli.run("gateways", "list");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "error: your login has expired or was revoked; run: kpam login --server "
                + url
                + " --user admin\n");
  }

  @Test
  void theConfigFileIsReadableOnlyByItsOwner() throws IOException {
    Path dir = temp.resolve(unique("home")).resolve(".kpam");
    KpamCli cli = new KpamCli(dir);

    ok(login(cli, "admin", ADMIN_PASSWORD));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cli.configFile())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
  }

  @Test
  void aWrongFlagIsAUsageErrorWithAReadableMessage() {
    KpamCli.Result result = admin.run("resources", "list", "--colour", "red");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).contains("Unknown option").contains("--colour");
    assertThat(result.err()).contains("Usage: kpam resources list");
  }

  @Test
  void anUnreachableServerGivesAClearError() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    KpamCli cli = new KpamCli(temp.resolve(unique("cfg")));

    KpamCli.Result result =
        cli.runWithInput(
            ADMIN_PASSWORD,
            "login",
            "--server",
            "http://127.0.0.1:" + port,
            "--user",
            "admin",
            "--password-stdin");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "error: cannot reach the kpam server at http://127.0.0.1:"
                + port
                + ": connection refused\n");
  }

  @Test
  void theAuditLogShowsWhatTheCliDid() {
    String name = unique("gw");
    ok(admin.run("gateways", "create", "--name", name));

    JsonNode events =
        ok(admin.run("audit", "list", "--actor", "admin", "--since", "10m", "-o", "json")).json();

    assertThat(events.isArray()).isTrue();
    assertThat(StreamSupport.stream(events.spliterator(), false))
        .anySatisfy(e -> assertThat(e.path("target").asText()).contains(name));
  }

  private KpamCli.Result login(KpamCli cli, String user, String password) {
    return login(cli, user, password, "login", "--server", url, "--user", user, "--password-stdin");
  }

  private KpamCli.Result login(KpamCli cli, String user, String password, String... args) {
    return cli.runWithInput(password + "\n", args);
  }

  /** A new member with a known password, logged in with their own config directory. */
  private KpamCli member(String name) {
    ok(
        admin.runWithInput(
            MEMBER_PASSWORD,
            "users",
            "create",
            "--name",
            name,
            "--role",
            "member",
            "--password-stdin"));
    KpamCli cli = new KpamCli(temp.resolve(unique("cfg-" + name)));
    ok(login(cli, name, MEMBER_PASSWORD));
    return cli;
  }

  private String gateway() {
    String name = unique("gw");
    ok(admin.run("gateways", "create", "--name", name));
    return name;
  }

  private String resource() {
    String name = unique("res");
    ok(
        admin.run(
            "resources",
            "create",
            "--name",
            name,
            "--url",
            "https://10.0.0.1:6443",
            "--gateway",
            gateway()));
    return name;
  }

  /** What {@code kpam k8s access} will do first: ask for a session with a CSR of a local key. */
  private String createSession(KpamCli cli, String resource, String account) throws Exception {
    String body =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .writeValueAsString(
                new dev.kpam.protocol.sessions.CreateSessionRequest(
                    resource,
                    account,
                    "30m",
                    "testing",
                    Csrs.create(KeyPairs.generateEcP256(), "cli"),
                    null,
                    null,
                    null,
                    null));
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(url + "/api/v1/sessions"))
                .header("Authorization", "Bearer " + cli.savedToken())
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(response.body())
        .path("session")
        .path("id")
        .asText();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token));
  }

  private HttpResponse<String> post(String path, String token) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url + path))
            .header("Authorization", "Bearer " + token)
            .POST(BodyPublishers.noBody()));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HttpClient.newHttpClient().send(request.build(), BodyHandlers.ofString());
  }

  private static KpamCli.Result ok(KpamCli.Result result) {
    assertThat(result.exitCode()).as("exit code; stderr: %s", result.err()).isZero();
    return result;
  }

  private static JsonNode find(JsonNode array, String field, String value) {
    return StreamSupport.stream(array.spliterator(), false)
        .filter(node -> value.equals(node.path(field).asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + field + "=" + value + " in " + array));
  }

  private static List<String> names(JsonNode accounts) {
    return StreamSupport.stream(accounts.spliterator(), false)
        .map(a -> a.path("resource").asText() + "/" + a.path("name").asText())
        .toList();
  }

  private static String unique(String prefix) {
    return prefix + "-" + names.incrementAndGet();
  }
}
