package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The recording page and its cast file over plain HTTP: a recording uploaded the way a gateway
 * uploads it (docs/RECORDING.md §4), read back as metadata, a transcript without escape sequences,
 * the exact cast, and the player's assets.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class RecordingPagesTest extends ServerTestBase {
  private static final String HEADER =
      "{\"version\":2,\"width\":120,\"height\":40,\"timestamp\":1795867200,\"title\":\"api-7d9 sh\","
          + "\"env\":{\"TERM\":\"xterm\"},\"kubernetes\":{\"namespace\":\"default\",\"pod\":\"api-7d9\","
          + "\"container\":\"api\",\"command\":[\"sh\",\"-c\",\"ls\"],\"tty\":true,\"stdin\":true,"
          + "\"protocol\":\"v5.channel.k8s.io\"}}";

  /** A title (OSC), a coloured prompt (CSI), a backspace, and output in two chunks. */
  private static final List<String> CHUNK_0 =
      List.of(
          HEADER,
          "[0.1, \"o\", \"\\u001b]0;root@api-7d9\\u0007\\u001b[1;32m$\\u001b[0m \"]",
          "[1.5, \"i\", \"lss\\b\\r\"]",
          "[1.6, \"o\", \"lss\\b \\b\\r\\nbin  etc  \\u001b[01;34mété\\u001b[0m\\r\\n\"]");

  private static final List<String> CHUNK_1 =
      List.of("[2.0, \"r\", \"100x30\"]", "[3.2, \"o\", \"$ exit <done> & \\\"quoted\\\"\\r\\n\"]");

  private static final String CAST =
      String.join("\n", CHUNK_0) + "\n" + String.join("\n", CHUNK_1) + "\n";

  RecordingPagesTest(Backend backend) {
    super(backend);
  }

  @Test
  void theOwnerSeesWhatWasRecordedAndTheOutputAsPlainText() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = aliceSessionWithARecording(dc1);

    FormClient alice = FormClient.signedIn(server, "alice", "alice-password-123");
    FormClient.Page page = alice.get(recording(id, "r-2")).expect(200);

    assertThat(page.html())
        .contains(
            "id=\"recording-meta\"",
            "<dd id=\"meta-user\">alice</dd>",
            "<dd id=\"meta-pod\">api-7d9</dd>",
            "<dd id=\"meta-container\">api</dd>",
            "<dd id=\"meta-namespace\">default</dd>",
            "<dd id=\"meta-command\"><code>sh -c ls</code></dd>",
            "datetime=\"2026-11-28T12:00:00Z\"",
            "<dd id=\"meta-duration\">3.3 s</dd>",
            "<dd id=\"meta-size\">" + CAST.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
            "120×40, TTY, v5.channel.k8s.io",
            "attached; 1 input events recorded",
            "<dd id=\"meta-truncated\">no</dd>",
            "<dd id=\"meta-binary\">no</dd>",
            "data-tty=\"true\"",
            "<div id=\"player\" class=\"recording-player\" data-cast=\""
                + recording(id, "r-2")
                + "/cast\"",
            "id=\"download-cast\" href=\"" + recording(id, "r-2") + "/cast\"",
            "<script src=\"/ui/assets/recording.js\" defer></script>",
            "<script src=\"/ui/assets/asciinema-player.min.js\" defer></script>",
            "<link rel=\"stylesheet\" href=\"/ui/assets/asciinema-player.css\">",
            "href=\"/ui/sessions/" + id + "\"");
    assertThat(transcript(page))
        .isEqualTo("$ ls\nbin  etc  été\n$ exit &lt;done&gt; &amp; \"quoted\"\n");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .get()
        .asString()
        .contains("script-src 'self' 'wasm-unsafe-eval'");
  }

  @Test
  void theCastFileIsTheRecordingExactlyAsAnAsciicastAttachment() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = aliceSessionWithARecording(dc1);

    FormClient alice = FormClient.signedIn(server, "alice", "alice-password-123");
    FormClient.Page cast = alice.get(recording(id, "r-2") + "/cast").expect(200);

    assertThat(cast.html()).isEqualTo(CAST);
    assertThat(cast.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("application/x-asciicast");
    assertThat(cast.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"kpam-" + id + "-r-2.cast\"");
    assertThat(
            FormClient.signedIn(server, "admin", TestServer.ADMIN_PASSWORD)
                .get(recording(id, "r-2") + "/cast")
                .expect(200)
                .html())
        .isEqualTo(CAST);
  }

  @Test
  void aMemberCannotOpenAnotherUsersRecordingNorAnUnknownOne() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = aliceSessionWithARecording(dc1);
    server.user("bob", "member");

    FormClient bob = FormClient.signedIn(server, "bob", "bob-password-123");
    for (String path : List.of(recording(id, "r-2"), recording(id, "r-2") + "/cast")) {
      FormClient.Page denied = bob.get(path).expect(404);
      assertThat(denied.html())
          .contains("<h1>Not found</h1>", "session '" + id + "' not found")
          .doesNotContain("api-7d9", "bin  etc");
      assertThat(denied.headers().firstValue("Content-Type")).get().asString().contains("html");
    }

    FormClient alice = FormClient.signedIn(server, "alice", "alice-password-123");
    assertThat(alice.get(recording(id, "r-99")).expect(404).html())
        .contains("recording 'r-99' not found");
    alice.get(recording(id, "r-99") + "/cast").expect(404);
    alice.get(recording("no-such-session", "r-2")).expect(404);

    new FormClient(server.server.url()).get(recording(id, "r-2")).expectRedirect("/ui/login");
    new FormClient(server.server.url())
        .get(recording(id, "r-2") + "/cast")
        .expectRedirect("/ui/login");
  }

  @Test
  void aBinaryStreamsRecordingSaysItsContentsWereNotRecorded() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    GatewayUpload events = new GatewayUpload(dc1, id, Duration.ofMillis(100));
    events.add(
        "recording",
        chunk(
            "r-1",
            0,
            List.of(
                HEADER,
                "[0.1, \"o\", \"start\\r\\n\"]",
                "[0.2, \"m\", \"binary stream: contents not recorded\"]")));
    events.add("stream", stream("r-1", 200, true));
    events.upload();

    FormClient.Page page =
        FormClient.signedIn(server, "admin", TestServer.ADMIN_PASSWORD)
            .get(recording(id, "r-1"))
            .expect(200);
    assertThat(page.html())
        .contains(
            "<dd id=\"meta-binary\"><span class=\"warning\">yes, contents not recorded</span></dd>",
            "<ul id=\"recording-markers\" class=\"recording-markers\">",
            "<li>binary stream: contents not recorded</li>",
            "<dd id=\"meta-duration\">0.2 s</dd>");
    assertThat(transcript(page)).isEqualTo("start\n");
  }

  @Test
  void aLongTranscriptIsCutAndSaysWhereTheRestIs() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    GatewayUpload events = new GatewayUpload(dc1, id, Duration.ofMillis(100));
    String line = "0123456789".repeat(9) + "\\r\\n";
    events.add(
        "recording",
        chunk("r-1", 0, List.of(HEADER, "[0.1, \"o\", \"" + line.repeat(2_500) + "\"]")));
    events.upload();

    FormClient.Page page =
        FormClient.signedIn(server, "admin", TestServer.ADMIN_PASSWORD)
            .get(recording(id, "r-1"))
            .expect(200);
    assertThat(page.html())
        .contains("(first 200000 characters; the cast file has it all)", "still open");
    assertThat(transcript(page)).hasSize(200_000).startsWith("0123456789".repeat(9) + "\n");
  }

  @Test
  void theTranscriptOfAStreamStillOpenFollowsItUntilItEnds() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    String id = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    GatewayUpload events = new GatewayUpload(dc1, id, Duration.ofMillis(100));
    events.add("recording", chunk("r-1", 0, CHUNK_0));
    events.upload();
    FormClient admin = FormClient.signedIn(server, "admin", TestServer.ADMIN_PASSWORD);

    FormClient.Page page = admin.get(recording(id, "r-1")).expect(200);
    assertThat(page.html()).contains("id=\"transcript-following\"", "hx-trigger=\"every 2s\"");
    assertThat(transcript(page)).isEqualTo("$ ls\nbin  etc  été\n");
    String poll = page.hxGet();
    assertThat(poll).startsWith(recording(id, "r-1") + "/transcript?seen=");
    admin.get(poll).expect(204);

    events.add("recording", chunk("r-1", 1, CHUNK_1));
    events.upload();
    FormClient.Page more = admin.get(poll).expect(200);
    assertThat(more.html().strip()).startsWith("<div id=\"transcript-live\"");
    assertThat(transcript(more))
        .isEqualTo("$ ls\nbin  etc  été\n$ exit &lt;done&gt; &amp; \"quoted\"\n");
    assertThat(more.html()).contains("hx-trigger=\"every 2s\"").doesNotContain("<html");

    events.add("stream", stream("r-1", 3_300, false));
    events.upload();
    FormClient.Page ended = admin.get(more.hxGet()).expect(200);
    assertThat(ended.html()).doesNotContain("hx-trigger", "hx-get", "transcript-following");
    assertThat(admin.get(recording(id, "r-1")).expect(200).html())
        .doesNotContain("hx-trigger=\"every 2s\"", "transcript-following");
  }

  @Test
  void thePlayerAndItsStylesAreServedFromTheServer() {
    FormClient anonymous = new FormClient(server.server.url());
    FormClient.Page player = anonymous.get("/ui/assets/asciinema-player.min.js").expect(200);
    assertThat(player.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("text/javascript");
    assertThat(player.html()).contains("AsciinemaPlayer", "WebAssembly");

    FormClient.Page styles = anonymous.get("/ui/assets/asciinema-player.css").expect(200);
    assertThat(styles.headers().firstValue("Content-Type")).get().asString().startsWith("text/css");
    assertThat(styles.html()).contains(".ap-player");

    assertThat(anonymous.get("/ui/assets/recording.js").expect(200).html())
        .contains("AsciinemaPlayer.create(", "dataset.cast");
  }

  private static String recording(String sessionId, String recordingId) {
    return "/ui/sessions/" + sessionId + "/recordings/" + recordingId;
  }

  private static String transcript(FormClient.Page page) {
    String html = page.html();
    int start = html.indexOf("<pre id=\"transcript\" class=\"transcript\">");
    assertThat(start).as("the page has a transcript").isNotNegative();
    start = html.indexOf('>', start) + 1;
    return html.substring(start, html.indexOf("</pre>", start));
  }

  /** alice (a member granted prod/admin) opens a session; an exec in it is recorded as r-2. */
  private String aliceSessionWithARecording(Fixtures.Enrolled dc1) {
    server.user("alice", "member");
    server
        .admin
        .post("/api/v1/resources/prod/accounts/admin/grants", Map.of("user", "alice"))
        .expect(200);
    String id =
        Fixtures.openSession(
            server.anonymous.login("alice", "alice-password-123"), "prod", "admin", "1h");
    GatewayUpload events = new GatewayUpload(dc1, id, Duration.ofMillis(100));
    events.add("recording", chunk("r-2", 0, CHUNK_0));
    events.add("recording", chunk("r-2", 1, CHUNK_1));
    events.add("stream", stream("r-2", 3_300, false));
    events.upload();
    return id;
  }

  private static Map<String, Object> chunk(String recordingId, int index, List<String> lines) {
    return GatewayUpload.recordingChunk(recordingId, index, lines);
  }

  private static Map<String, Object> stream(String recordingId, long durationMs, boolean binary) {
    return GatewayUpload.execStream(
        recordingId, recordingId, List.of("sh", "-c", "ls"), durationMs, 4, 120, binary);
  }
}
