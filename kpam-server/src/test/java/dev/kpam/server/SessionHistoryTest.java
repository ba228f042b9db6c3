package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reading side of session recording (docs/RECORDING.md §5): events uploaded the way a gateway
 * uploads them, read back as commands, filtered events, recordings and summaries.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class SessionHistoryTest extends ServerTestBase {
  private static final String HEADER =
      "{\"version\":2,\"width\":120,\"height\":40,\"timestamp\":1795867200,\"title\":\"api-7d9 sh\","
          + "\"env\":{\"TERM\":\"xterm\"},\"kubernetes\":{\"namespace\":\"default\",\"pod\":\"api-7d9\","
          + "\"container\":\"api\",\"command\":[\"sh\"],\"tty\":true,\"stdin\":true,"
          + "\"protocol\":\"v5.channel.k8s.io\"}}";

  SessionHistoryTest(Backend backend) {
    super(backend);
  }

  @Test
  void requestsBecomeCommandsGroupedByKubectlSessionInTheOrderTheyStarted() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    Gateway gateway = new Gateway(dc1, id);
    gateway.kubectlGetPodsAndExecAndACurl();
    gateway.upload();

    JsonNode commands = server.admin.get(path(id, "/commands")).expect(200).json().get("items");

    assertThat(lines(commands))
        .containsExactly(
            "kubectl get pods -n web", "kubectl exec -it api-7d9 -c api -- sh", "GET /version");
    JsonNode get = commands.get(0);
    assertThat(get.get("index").asInt()).isZero();
    assertThat(get.get("kubectlSession").asText()).isEqualTo("k-get");
    assertThat(get.get("status").asInt()).isEqualTo(200);
    assertThat(get.get("requests").asInt()).isEqualTo(3);
    assertThat(get.get("requestIds"))
        .extracting(JsonNode::asText)
        .containsExactly("r-1", "r-2", "r-3");
    JsonNode exec = commands.get(1);
    assertThat(exec.get("status").asInt()).isEqualTo(101);
    assertThat(exec.get("errors").asInt()).isZero();
    assertThat(exec.get("durationMs").asLong()).isEqualTo(15_200);
    assertThat(commands.get(2).get("kubectlSession").isNull()).isTrue();
  }

  @Test
  void commandsPageWithLimitAndOffsetAndPortForwardsShowTheirPorts() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    Gateway gateway = new Gateway(dc1, id);
    gateway.kubectlGetPodsAndExecAndACurl();
    gateway.request(
        "k-pf",
        "kubectl port-forward",
        "GET",
        "/api/v1/namespaces/default/pods/web",
        "",
        200,
        0,
        900);
    gateway.request(
        "k-pf",
        "kubectl port-forward",
        "GET",
        "/api/v1/namespaces/default/pods/web/portforward",
        "",
        101,
        60_000,
        0);
    Map<String, Object> closed =
        new LinkedHashMap<>(stream("r-8", null, 60_000, 300, 4_000, false));
    closed.put("kind", "portforward");
    closed.put("pod", "web");
    closed.put("ports", List.of(8080, 9090));
    closed.put("command", List.of());
    gateway.add("stream", closed);
    gateway.upload();

    JsonNode page = server.admin.get(path(id, "/commands?limit=2&offset=2")).expect(200).json();

    assertThat(lines(page.get("items")))
        .containsExactly("GET /version", "kubectl port-forward web 8080 9090");
    assertThat(page.get("items").get(1).get("index").asInt()).isEqualTo(3);
    JsonNode summary = server.admin.get("/api/v1/sessions/" + id).expect(200).json().get("summary");
    assertThat(summary.get("recordings").asInt()).as("a port-forward is not recorded").isEqualTo(1);
  }

  @Test
  void recordingsCutAtTheCapOrOfBinaryStreamsAreMarkedSo() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    Gateway gateway = new Gateway(dc1, id);
    gateway.add(
        "recording",
        chunk(
            "r-1",
            0,
            List.of(
                HEADER,
                "[0.1, \"o\", \"x\"]",
                "[0.2, \"m\", \"recording truncated at 16777216 bytes\"]")));
    gateway.add("stream", stream("r-1", "r-1", 1_000, 0, 20_000_000, false));
    gateway.add(
        "recording",
        chunk("r-2", 0, List.of(HEADER, "[0.0, \"m\", \"binary stream: contents not recorded\"]")));
    gateway.add("stream", stream("r-2", "r-2", 2_000, 1_000_000, 0, true));
    gateway.upload();

    JsonNode recordings = server.admin.get(path(id, "/recordings")).expect(200).json().get("items");

    assertThat(recordings).hasSize(2);
    assertThat(recordings.get(0).get("truncated").asBoolean()).isTrue();
    assertThat(recordings.get(0).get("binary").asBoolean()).isFalse();
    assertThat(recordings.get(1).get("truncated").asBoolean()).isFalse();
    assertThat(recordings.get(1).get("binary").asBoolean()).isTrue();
  }

  @Test
  void eventsFilterByTypeVerbResourceNamespaceAndStatusAndPageWithAfter() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    Gateway gateway = new Gateway(dc1, id);
    gateway.kubectlGetPodsAndExecAndACurl();
    gateway.request(
        "k-x", "kubectl get", "GET", "/api/v1/namespaces/web/secrets/db", "", 403, 0, 80);
    gateway.request(
        "k-y", "kubectl get", "GET", "/api/v1/namespaces/web/pods/gone", "", 502, 0, 90);
    gateway.upload();

    assertThat(seqs(events(id, "type=request"))).containsExactly(1L, 2L, 3L, 4L, 7L, 9L, 10L, 11L);
    assertThat(seqs(events(id, "type=stream"))).containsExactly(8L);
    assertThat(seqs(events(id, "verb=list"))).containsExactly(3L);
    assertThat(seqs(events(id, "resource=pods&namespace=web"))).containsExactly(3L, 11L);
    assertThat(seqs(events(id, "status=4xx"))).containsExactly(10L);
    assertThat(seqs(events(id, "status=5xx"))).containsExactly(11L);
    assertThat(seqs(events(id, "status=error"))).containsExactly(10L, 11L);
    assertThat(seqs(events(id, "status=101"))).containsExactly(7L);
    JsonNode request = events(id, "type=request&verb=list").get("items").get(0);
    assertThat(request.get("data").get("path").asText()).isEqualTo("/api/v1/namespaces/web/pods");
    assertThat(request.get("time").asText()).endsWith("Z");

    JsonNode first = events(id, "limit=4");
    assertThat(seqs(first)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(first.get("next").asLong()).isEqualTo(4);
    JsonNode second = events(id, "limit=4&after=4");
    assertThat(seqs(second)).containsExactly(5L, 6L, 7L, 8L);
    JsonNode rest = events(id, "after=" + second.get("next").asLong());
    assertThat(seqs(rest)).containsExactly(9L, 10L, 11L);
    JsonNode none = events(id, "after=11");
    assertThat(none.get("items")).isEmpty();
    assertThat(none.get("next").isNull()).isTrue();

    server.admin.get(path(id, "/events?status=teapot")).expectError(400, "invalid_argument");
    server.admin.get(path(id, "/events?limit=1001")).expectError(400, "invalid_argument");
    server.admin.get(path(id, "/events?after=x")).expectError(400, "invalid_argument");
  }

  @Test
  void aRecordingDownloadsAsItsChunksInIndexOrderEvenWhenTheyArrivedOutOfOrder() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    Gateway gateway = new Gateway(dc1, id);
    List<String> lines0 = List.of(HEADER, "[0.1, \"o\", \"$ \"]");
    List<String> lines1 =
        List.of("[1.5, \"i\", \"ls\\r\"]", "[1.6, \"o\", \"ls\\r\\nbin  etc  été\\r\\n\"]");
    List<String> lines2 = List.of("[2.0, \"r\", \"100x30\"]", "[3.2, \"o\", \"$ exit\\r\\n\"]");
    gateway.request(
        "k-exec", "kubectl exec", "GET", "/api/v1/namespaces/default/pods/api-7d9", "", 200, 0, 10);
    long chunk2 = gateway.add("recording", chunk("r-2", 2, lines2));
    long chunk0 = gateway.add("recording", chunk("r-2", 0, lines0));
    long chunk1 = gateway.add("recording", chunk("r-2", 1, lines1));
    gateway.upload(List.of(chunk2));
    gateway.upload(List.of(chunk1));
    gateway.upload(List.of(chunk0));

    // While the stream is still open, the recording is listed from its chunks alone.
    JsonNode open = server.admin.get(path(id, "/recordings")).expect(200).json().get("items");
    assertThat(open).hasSize(1);
    assertThat(open.get(0).get("pod").asText()).isEqualTo("api-7d9");
    assertThat(open.get(0).get("durationMs").isNull()).isTrue();

    gateway.request(
        "k-exec",
        "kubectl exec",
        "GET",
        "/api/v1/namespaces/default/pods/api-7d9/exec",
        "command=sh&container=api&stdin=true&stdout=true&tty=true",
        101,
        0,
        3_300);
    gateway.add("stream", stream("r-2", "r-2", 3_300, 12, 400, false));
    gateway.upload();

    Api.Response cast = server.admin.get(path(id, "/recordings/r-2")).expect(200);
    String expected =
        String.join("\n", lines0)
            + "\n"
            + String.join("\n", lines1)
            + "\n"
            + String.join("\n", lines2)
            + "\n";
    assertThat(cast.body()).isEqualTo(expected);
    assertThat(cast.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("application/x-asciicast");
    JsonNode recording =
        server.admin.get(path(id, "/recordings")).expect(200).json().get("items").get(0);
    assertThat(recording.get("id").asText()).isEqualTo("r-2");
    assertThat(recording.get("requestId").asText()).isEqualTo("r-2");
    assertThat(recording.get("kind").asText()).isEqualTo("exec");
    assertThat(recording.get("namespace").asText()).isEqualTo("default");
    assertThat(recording.get("container").asText()).isEqualTo("api");
    assertThat(recording.get("command")).extracting(JsonNode::asText).containsExactly("sh");
    assertThat(recording.get("startedAt").asText()).isEqualTo("2026-11-28T12:00:00Z");
    assertThat(recording.get("durationMs").asLong()).isEqualTo(3_300);
    assertThat(recording.get("bytes").asLong())
        .isEqualTo(expected.getBytes(StandardCharsets.UTF_8).length);
    assertThat(recording.get("truncated").asBoolean()).isFalse();
    assertThat(recording.get("binary").asBoolean()).isFalse();

    server.admin.get(path(id, "/recordings/r-99")).expectError(404, "not_found");
  }

  @Test
  void theSummaryCountsCommandsRequestsBytesErrorsAndRecordings() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    Gateway gateway = new Gateway(dc1, id);
    gateway.kubectlGetPodsAndExecAndACurl();
    gateway.request(
        "k-del",
        "kubectl delete",
        "DELETE",
        "/api/v1/namespaces/default/configmaps/x",
        "",
        404,
        0,
        30);
    gateway.upload();
    server.clock.advance(Duration.ofMinutes(5));

    JsonNode summary = server.admin.get("/api/v1/sessions/" + id).expect(200).json().get("summary");

    assertThat(summary.get("commands").asInt()).isEqualTo(4);
    assertThat(summary.get("requests").asInt()).isEqualTo(7);
    // Response bodies to kubectl and the exec stream's bytes (7 in, 900 out).
    assertThat(summary.get("bytesIn").asLong()).isEqualTo(7);
    assertThat(summary.get("bytesOut").asLong()).isEqualTo(5 + 5 + 1_200 + 5_400 + 300 + 30 + 900);
    assertThat(summary.get("errors").asInt()).isEqualTo(1);
    assertThat(summary.get("recordings").asInt()).isEqualTo(1);
    assertThat(summary.get("recordingIncomplete").asBoolean()).isFalse();
    assertThat(summary.get("durationMs").asLong()).isEqualTo(Duration.ofMinutes(5).toMillis());
    JsonNode listed = server.admin.get("/api/v1/sessions").expect(200).json().get("items").get(0);
    assertThat(listed.get("summary")).isEqualTo(summary);

    gateway.add("session", Map.of("what", "recording_incomplete", "reason", "spool: disk full"));
    gateway.upload();
    server.admin.post("/api/v1/sessions/" + id + "/end", Map.of()).expect(200);
    server.clock.advance(Duration.ofMinutes(5));

    JsonNode ended = server.admin.get("/api/v1/sessions/" + id).expect(200).json().get("summary");
    assertThat(ended.get("recordingIncomplete").asBoolean()).isTrue();
    assertThat(ended.get("durationMs").asLong()).isEqualTo(Duration.ofMinutes(5).toMillis());
    JsonNode fresh =
        server
            .admin
            .get("/api/v1/sessions/" + Fixtures.openSession(server.admin, "prod", "admin", "1h"))
            .expect(200)
            .json();
    assertThat(fresh.get("summary").get("commands").asInt()).isZero();
    assertThat(fresh.get("summary").get("durationMs").asLong()).isZero();
  }

  @Test
  void membersReadOnlyTheirOwnSessionsHistoryAndAdminsReadAll() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    Api alice = server.user("alice", "member");
    Api bob = server.user("bob", "member");
    for (String user : List.of("alice", "bob")) {
      server
          .admin
          .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", user))
          .expect(200);
    }
    String id = Fixtures.openSession(alice, "prod", "admin", "1h");
    Gateway gateway = new Gateway(dc1, id);
    gateway.kubectlGetPodsAndExecAndACurl();
    gateway.upload();

    for (String read : List.of("/commands", "/events", "/recordings", "/recordings/r-5")) {
      bob.get(path(id, read)).expectError(404, "not_found");
      alice.get(path(id, read)).expect(200);
      server.admin.get(path(id, read)).expect(200);
    }
    assertThat(lines(alice.get(path(id, "/commands")).json().get("items"))).hasSize(3);
    server.anonymous.get(path(id, "/commands")).expectError(401, "unauthenticated");
    server.admin.get(path("no-such-session", "/commands")).expectError(404, "not_found");
  }

  @Test
  void theServerStoresNoSecretItWasNotSentAndAnswersNone() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    Gateway gateway = new Gateway(dc1, id);
    gateway.kubectlGetPodsAndExecAndACurl();
    gateway.upload();

    for (String read : List.of("/commands", "/events", "/recordings", "/recordings/r-5")) {
      assertThat(server.admin.get(path(id, read)).expect(200).body())
          .doesNotContain(Fixtures.SA_TOKEN);
    }
  }

  private JsonNode events(String id, String query) {
    return server.admin.get(path(id, "/events?" + query)).expect(200).json();
  }

  private static String path(String id, String rest) {
    return "/api/v1/sessions/" + id + rest;
  }

  private static List<String> lines(JsonNode commands) {
    List<String> lines = new ArrayList<>();
    commands.forEach(c -> lines.add(c.get("line").asText()));
    return lines;
  }

  private static List<Long> seqs(JsonNode page) {
    List<Long> seqs = new ArrayList<>();
    page.get("items").forEach(e -> seqs.add(e.get("seq").asLong()));
    return seqs;
  }

  private static Map<String, Object> chunk(String recordingId, int index, List<String> lines) {
    return GatewayUpload.recordingChunk(recordingId, index, lines);
  }

  private static Map<String, Object> stream(
      String requestId, String recordingId, long durationMs, long in, long out, boolean binary) {
    return GatewayUpload.execStream(
        requestId, recordingId, List.of("sh"), durationMs, in, out, binary);
  }

  /** Appends events as the gateway does (seq from 1, no gaps) and uploads them as batches. */
  private final class Gateway {
    private final Fixtures.Enrolled enrolled;
    private final String sessionId;
    private final Map<Long, Map<String, Object>> events = new LinkedHashMap<>();
    private final Map<Long, Instant> times = new HashMap<>();
    private int requests;

    Gateway(Fixtures.Enrolled enrolled, String sessionId) {
      this.enrolled = enrolled;
      this.sessionId = sessionId;
    }

    /**
     * r-1 GET /api, r-2 GET /apis, r-3 GET pods -n web (kubectl get); r-4 GET pod, r-5 exec (101)
     * recorded as r-5 in two chunks then its stream event (kubectl exec); r-6 GET /version (curl).
     */
    void kubectlGetPodsAndExecAndACurl() {
      request("k-get", "kubectl get", "GET", "/api", "timeout=32s", 200, 0, 5);
      request("k-get", "kubectl get", "GET", "/apis", "timeout=32s", 200, 0, 5);
      request(
          "k-get", "kubectl get", "GET", "/api/v1/namespaces/web/pods", "limit=500", 200, 0, 1_200);
      request(
          "k-exec",
          "kubectl exec",
          "GET",
          "/api/v1/namespaces/default/pods/api-7d9",
          "",
          200,
          50,
          5_400);
      add(
          "recording",
          chunk(
              "r-5",
              0,
              List.of(
                  HEADER.replace("\"timestamp\":1795867200", "\"timestamp\":1795867201"),
                  "[0.2, \"o\", \"$ \"]")));
      add("recording", chunk("r-5", 1, List.of("[1.0, \"o\", \"bye\\r\\n\"]")));
      request(
          "k-exec",
          "kubectl exec",
          "GET",
          "/api/v1/namespaces/default/pods/api-7d9/exec",
          "command=sh&container=api&stdin=true&stdout=true&tty=true",
          101,
          15_000,
          0);
      add("stream", stream("r-5", "r-5", 15_000, 7, 900, false));
      request(null, null, "GET", "/version", "", 200, 0, 300);
    }

    /** A request event, its path parsed as the API server parses it. */
    long request(
        String kubectlSession,
        String kubectlCommand,
        String method,
        String path,
        String query,
        int status,
        long latencyMs,
        long bytesOut) {
      String id = "r-" + ++requests;
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("id", id);
      data.put("method", method);
      data.put("path", path);
      data.put("query", query);
      List<String> parts = Arrays.asList(path.substring(1).split("/"));
      boolean resource = parts.size() > 2 && parts.get(0).equals("api");
      String namespace = null;
      String name = null;
      String kind = null;
      String subresource = null;
      if (resource) {
        int i = 2;
        if (parts.get(i).equals("namespaces") && parts.size() > i + 2) {
          namespace = parts.get(i + 1);
          i += 2;
        }
        kind = parts.get(i);
        name = parts.size() > i + 1 ? parts.get(i + 1) : null;
        subresource = parts.size() > i + 2 ? parts.get(i + 2) : null;
      }
      String verb =
          !resource
              ? method.toLowerCase(java.util.Locale.ROOT)
              : switch (method) {
                case "GET" -> name == null ? "list" : "get";
                case "DELETE" -> "delete";
                default -> "create";
              };
      data.put("verb", verb);
      data.put("apiGroup", resource ? "" : null);
      data.put("apiVersion", resource ? "v1" : null);
      data.put("resource", kind);
      data.put("subresource", subresource);
      data.put("namespace", namespace);
      data.put("name", name);
      data.put("resourceRequest", resource);
      data.put("status", status);
      data.put("latencyMs", latencyMs);
      data.put("bytesIn", 0);
      data.put("bytesOut", bytesOut);
      data.put(
          "userAgent",
          kubectlCommand == null
              ? "curl/8.5.0"
              : "kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0");
      data.put("kubectlCommand", kubectlCommand);
      data.put("kubectlSession", kubectlSession);
      data.put("body", null);
      data.put("bodyTruncated", false);
      data.put("bodyType", null);
      data.put("bodySize", 0);
      data.put("error", status == 403 ? "denied by policy" : null);
      data.put("upgrade", status == 101 ? "v5.channel.k8s.io" : null);
      return add("request", data, latencyMs);
    }

    long add(String type, Map<String, Object> data) {
      return add(type, data, 0);
    }

    /** Events are appended when their exchange ends: 50 ms apart, plus the exchange's latency. */
    private long add(String type, Map<String, Object> data, long latencyMs) {
      long seq = events.size() + 1;
      Instant previous = seq == 1 ? Instant.parse("2026-11-28T12:00:00Z") : times.get(seq - 1);
      Map<String, Object> event = new LinkedHashMap<>();
      Instant time = previous.plusMillis(50 + latencyMs);
      event.put("seq", seq);
      event.put("time", time.toString());
      event.put("type", type);
      event.put("data", data);
      events.put(seq, event);
      times.put(seq, time);
      return seq;
    }

    void upload() {
      upload(new ArrayList<>(events.keySet()));
    }

    void upload(List<Long> seqs) {
      List<Map<String, Object>> batch = seqs.stream().map(events::get).toList();
      enrolled
          .api()
          .post("/api/v1/gateway/sessions/" + sessionId + "/events", Map.of("events", batch))
          .expect(200);
    }
  }
}
