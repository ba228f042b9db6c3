package dev.kpam.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.cli.access.AccessSession;
import dev.kpam.it.access.KpamWorld;
import dev.kpam.it.access.KubeconfigEntry;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How fast the web UI answers for a busy session: a whole kpam system ({@link KpamWorld}: server
 * with embedded SQLite, relay, gateway, fake API server), one access session through which this
 * program sends C kubectl-like commands of R requests each (default 1000 × 10, the headers kubectl
 * sends), then, signed in to the UI over HTTP like a browser, N times each (default 50): the
 * sessions list, the session page, the live part when it changed (a full fragment) and a poll of an
 * unchanged live session (204). It prints p50/p99 in milliseconds and the answer's size.
 *
 * <pre>{@code
 * mvn -q -o install -DskipTests
 * mvn -pl kpam-bench exec:java -Dexec.mainClass=dev.kpam.bench.UiPageTimes -Dexec.args="1000 10 50"
 * }</pre>
 */
public final class UiPageTimes {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
  private static final Pattern POLL = Pattern.compile("hx-get=\"([^\"]+/live\\?seen=[^\"]+)\"");

  private UiPageTimes() {}

  public static void main(String[] args) throws Exception {
    int commands = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int requestsEach = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    Path dir = Files.createTempDirectory("kpam-bench-ui");
    try (KpamWorld world = KpamWorld.start(dir)) {
      Path kubeconfig = dir.resolve("kubeconfig");
      try (AccessSession access = world.access("1h", kubeconfig)) {
        String id = access.sessionId();
        long sent = sendCommands(kubeconfig, commands, requestsEach);
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> requests(world, id) >= sent);
        System.out.printf(
            Locale.ROOT,
            "session with %d commands, %d requests (all recorded)%n",
            commands,
            requests(world, id));

        HttpClient browser = signedIn(world.serverUrl());
        URI base = world.serverUrl();
        String page = "/ui/sessions/" + id;
        String poll = pollPath(get(browser, base.resolve(page)).body());
        System.out.printf(
            Locale.ROOT, "%-34s %9s %9s %12s%n", "page", "p50 (ms)", "p99 (ms)", "bytes");
        measure(browser, base, "/ui/sessions", 200, rounds);
        measure(browser, base, page, 200, rounds);
        measure(browser, base, page + "/live", 200, rounds);
        measure(browser, base, poll, 204, rounds);
      }
    }
  }

  /** C commands of R GETs each, with the Kubectl-Session and Kubectl-Command kubectl sends. */
  private static long sendCommands(Path kubeconfig, int commands, int requestsEach)
      throws Exception {
    KubeconfigEntry proxy = KubeconfigEntry.read(kubeconfig);
    HttpClient http = proxy.httpClient();
    URI pod = proxy.server().resolve("/api/v1/namespaces/default/pods/web");
    for (int c = 0; c < commands; c++) {
      String kubectlSession = UUID.randomUUID().toString();
      for (int r = 0; r < requestsEach; r++) {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(pod)
                    .header("Authorization", "Bearer " + proxy.token())
                    .header("Kubectl-Session", kubectlSession)
                    .header("Kubectl-Command", "kubectl get")
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 200) {
          throw new IllegalStateException("GET through kpam answered " + response.statusCode());
        }
      }
    }
    return (long) commands * requestsEach;
  }

  private static long requests(KpamWorld world, String sessionId) {
    JsonNode session = world.call("GET", "/api/v1/sessions/" + sessionId, world.adminToken, null);
    return session.get("summary").get("requests").asLong();
  }

  /** An HTTP client holding the UI's cookies, signed in as admin through the sign-in form. */
  private static HttpClient signedIn(URI base) throws Exception {
    HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    Matcher csrf = CSRF.matcher(get(browser, base.resolve("/ui/login")).body());
    if (!csrf.find()) {
      throw new IllegalStateException("no CSRF field on the sign-in page");
    }
    String form =
        "_csrf="
            + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)
            + "&username=admin&password="
            + URLEncoder.encode(KpamWorld.ADMIN_PASSWORD, StandardCharsets.UTF_8);
    HttpResponse<String> login =
        browser.send(
            HttpRequest.newBuilder(base.resolve("/ui/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (login.statusCode() != 303) {
      throw new IllegalStateException("sign-in answered " + login.statusCode());
    }
    return browser;
  }

  private static String pollPath(String sessionPage) {
    Matcher poll = POLL.matcher(sessionPage);
    if (!poll.find()) {
      throw new IllegalStateException("the session page of an active session does not poll");
    }
    return poll.group(1).replace("&amp;", "&");
  }

  private static void measure(HttpClient browser, URI base, String path, int status, int rounds)
      throws Exception {
    List<Double> millis = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < rounds + 5; i++) {
      long start = System.nanoTime();
      HttpResponse<String> response = get(browser, base.resolve(path));
      double took = (System.nanoTime() - start) / 1e6;
      if (response.statusCode() != status) {
        throw new IllegalStateException(path + " answered " + response.statusCode());
      }
      bytes = response.body().getBytes(StandardCharsets.UTF_8).length;
      if (i >= 5) { // the first five warm up the JIT and the database's caches
        millis.add(took);
      }
    }
    Collections.sort(millis);
    String shown =
        path.length() > 34
            ? path.substring(0, 20) + "…" + path.substring(path.length() - 13)
            : path;
    System.out.printf(
        Locale.ROOT,
        "%-34s %9.1f %9.1f %12d%n",
        shown,
        millis.get(millis.size() / 2),
        millis.get(Math.min(millis.size() - 1, (int) Math.ceil(millis.size() * 0.99) - 1)),
        bytes);
  }

  private static HttpResponse<String> get(HttpClient browser, URI uri) throws Exception {
    return browser.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
