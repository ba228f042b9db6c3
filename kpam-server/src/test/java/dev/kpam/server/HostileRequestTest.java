package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kpam.server.RawHttp.Answer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests no careful client sends: they are answered with {@code {code, message}} (HTML under
 * /ui), bodies are refused by size before they are read, and slow clients are cut off. No database
 * behaviour is involved, so one backend suffices.
 */
class HostileRequestTest {
  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);

  private TestServer server;
  private URI url;

  @BeforeEach
  void start() {
    server = TestServer.start(Backend.SQLITE, b -> b.headerTimeout(HEADER_TIMEOUT));
    url = server.server.url();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static Answer assertJsonError(Answer answer, int status, String code) {
    assertThat(answer.status()).as(answer.head()).isEqualTo(status);
    assertThat(answer.contentType()).as(answer.head()).startsWith("application/json");
    answer.asApi().expectError(status, code);
    return answer;
  }

  @Test
  void aRequestLineThatIsNotHttpIsABadRequestInJson() {
    Answer answer = RawHttp.exchange(url, "GET /healthz\u0001 HTTP/1.1\r\n\r\n");
    assertJsonError(answer, 400, "bad_request");
  }

  @Test
  void anUnknownHttpVersionIsAnsweredInJson() {
    Answer answer = RawHttp.exchange(url, "HELLO THERE\r\n\r\n");
    assertJsonError(answer, 505, "http_version_not_supported");
  }

  @Test
  void badPercentEncodingInThePathIsABadRequestInJson() {
    Answer answer =
        RawHttp.exchange(url, "GET /api/v1/users/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertJsonError(answer, 400, "bad_request");
  }

  @Test
  void invalidUtf8InThePathIsAnsweredInJsonNeverAsAnInternalError() {
    // Jetty 11 decodes invalid UTF-8 to U+FFFD, so this is a user name no one has.
    Answer answer =
        RawHttp.exchange(
            url,
            "GET /api/v1/users/%ff%fe HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + server.admin.token()
                + "\r\nConnection: close\r\n\r\n");
    assertJsonError(answer, 404, "not_found");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // Found by Jazzer: NULs made Jackson guess UTF-32 and fail outside its parse errors (500).
        "7b2275730000000000000000656e616d7265223a2261646d696e222c22706173000000000000000073776f7264",
        // Not UTF-8 at all.
        "7b22757365726e616d65223a22ff222c2270617373776f7264223a2278227d",
        // UTF-16 with a byte-order mark.
        "feff007b002200780022003a0031007d"
      })
  void aJsonBodyThatIsNotUtf8IsMalformedNeverAnInternalError(String hex) {
    byte[] body = HexFormat.of().parseHex(hex);
    byte[] head =
        ("POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                + "\r\nConnection: close\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);

    assertJsonError(RawHttp.exchange(url, request), 400, "malformed_request");
  }

  @Test
  void badPercentEncodingInTheQueryIsABadRequestInJson() {
    Answer answer =
        RawHttp.exchange(
            url,
            "GET /api/v1/sessions?limit=%zz HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + server.admin.token()
                + "\r\nConnection: close\r\n\r\n");
    assertThat(answer.status()).as(answer.body()).isLessThan(500);
    assertThat(answer.contentType()).startsWith("application/json");
  }

  @Test
  void badPercentEncodingInASignInFormIsNoInternalError() {
    String form = "csrf=c&username=%zz&password=%e2%28";
    Answer answer =
        RawHttp.exchange(
            url,
            "POST /ui/login HTTP/1.1\r\nHost: localhost\r\nCookie: kpam_ui_login=c\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n"
                + "Content-Length: "
                + form.length()
                + "\r\n\r\n"
                + form);
    assertThat(answer.status()).as(answer.body()).isLessThan(500);
  }

  @Test
  void aBadHostHeaderIsABadRequestInJson() {
    Answer answer = RawHttp.exchange(url, "GET /api/v1/auth/whoami HTTP/1.1\r\nHost: [::1\r\n\r\n");
    assertJsonError(answer, 400, "bad_request");
  }

  @Test
  void aMissingHostHeaderIsABadRequestInJson() {
    Answer answer = RawHttp.exchange(url, "GET /api/v1/auth/whoami HTTP/1.1\r\n\r\n");
    assertJsonError(answer, 400, "bad_request");
  }

  @Test
  void aTooLongUriIsAnsweredUriTooLongInJson() {
    String path = "/api/v1/users/" + "a".repeat(20_000);
    Answer answer = RawHttp.exchange(url, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertJsonError(answer, 414, "uri_too_long");
  }

  @Test
  void tooLargeHeadersAreAnsweredHeadersTooLargeInJson() {
    String request =
        "GET /api/v1/auth/whoami HTTP/1.1\r\nHost: localhost\r\nX-Filler: "
            + "a".repeat(20_000)
            + "\r\n\r\n";
    Answer answer = RawHttp.exchange(url, request);
    assertJsonError(answer, 431, "headers_too_large");
  }

  @Test
  void aLoginBodyOverItsLimitIsRefusedBeforeItIsRead() {
    String body = "{\"username\":\"admin\",\"password\":\"" + "x".repeat(9_000) + "\"}";
    var refused =
        server.anonymous.post("/api/v1/auth/login", body).expectError(413, "payload_too_large");
    assertThat(refused.message()).contains("at most 8 KiB");
    assertThat(refused.body()).doesNotContain("xxxx");
  }

  @Test
  void aChunkedLoginBodyOverItsLimitIsCutOffWhileReading() throws IOException {
    Answer answer = chunked("/api/v1/auth/login", "application/json", 64 * 1024);
    assertJsonError(answer, 413, "payload_too_large");
    assertThat(answer.asApi().message()).contains("at most 8 KiB");
  }

  @Test
  void aChunkedBodyUnderItsLimitIsRead() throws IOException {
    String login = "{\"username\":\"admin\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}";
    Answer answer = chunked("/api/v1/auth/login", "application/json", login);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.asApi().json().get("token").asText()).isNotBlank();
  }

  @Test
  void limitsFollowTheEndpointsUse() {
    String medium = "{\"name\":\"" + "n".repeat(300 * 1024) + "\"}";
    server
        .admin
        .post("/api/v1/resources", medium)
        .expectError(413, "payload_too_large")
        .message()
        .contains("at most 256 KiB");
    // The same size is fine for a gateway's event batch (here refused for want of a credential).
    server
        .anonymous
        .post("/api/v1/gateway/sessions/s1/events", medium)
        .expectError(401, "unauthenticated");
  }

  @Test
  void aTooLargePatchIsAnsweredWithAJsonBodyToo() {
    String medium = "{\"url\":\"" + "u".repeat(300 * 1024) + "\"}";
    server
        .admin
        .send("PATCH", "/api/v1/resources/prod", medium)
        .expectError(413, "payload_too_large");
  }

  @Test
  void aTooLargeSignInFormIsAnHtmlPage() {
    String form = "username=admin&password=" + "x".repeat(9_000);
    Answer answer =
        RawHttp.exchange(
            url,
            "POST /ui/login HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + form.length()
                + "\r\n\r\n"
                + form);
    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.contentType()).startsWith("text/html");
    assertThat(answer.body()).contains("<html").contains("at most 8 KiB").doesNotContain("xxxx");
  }

  @Test
  void aChunkedSignInFormOverItsLimitIsAnHtmlPage() throws IOException {
    // With the sign-in form's cookie, so that the page reads the form.
    Answer answer =
        chunked("/ui/login", "application/x-www-form-urlencoded", "kpam_ui_login=c", 64 * 1024);
    assertThat(answer.status()).as(answer.body()).isEqualTo(413);
    assertThat(answer.contentType()).startsWith("text/html");
    assertThat(answer.body()).contains("at most 8 KiB");
  }

  @Test
  void multipartBodiesAreRefusedUnread() throws IOException {
    Answer api = chunked("/api/v1/auth/login", "multipart/form-data; boundary=x", 64 * 1024);
    assertJsonError(api, 415, "unsupported_media_type");
    Answer ui =
        chunked("/ui/login", "multipart/form-data; boundary=x", "kpam_ui_login=c", 64 * 1024);
    assertThat(ui.status()).isEqualTo(415);
    assertThat(ui.contentType()).startsWith("text/html");
    assertThat(ui.body()).contains("multipart");
  }

  @Test
  void aBadUiPathIsAnsweredToo() {
    Answer answer = RawHttp.exchange(url, "GET /ui/%zz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    // Jetty refuses it while parsing, before it knows the path is the UI's: JSON, like the API.
    assertJsonError(answer, 400, "bad_request");
  }

  @Test
  void aClientThatSendsNothingIsClosedAfterTheHeaderTimeout() throws IOException {
    try (Socket socket = RawHttp.open(url)) {
      long started = System.nanoTime();
      assertClosedByServer(socket.getInputStream());
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isBetween(HEADER_TIMEOUT.minusMillis(100), HEADER_TIMEOUT.plusSeconds(3));
    }
  }

  @Test
  void aClientThatDribblesItsHeadersIsClosedAfterTheHeaderTimeout() throws IOException {
    ScheduledExecutorService dribbler = Executors.newSingleThreadScheduledExecutor();
    try (Socket socket = RawHttp.open(url)) {
      OutputStream out = socket.getOutputStream();
      out.write("GET /api/v1/auth/whoami HTTP/1.1\r\nHost: localhost\r\n".getBytes());
      out.flush();
      dribbler.scheduleAtFixedRate(
          () -> {
            try {
              out.write('X');
              out.flush();
            } catch (IOException closed) {
              dribbler.shutdown();
            }
          },
          0,
          100,
          TimeUnit.MILLISECONDS);
      long started = System.nanoTime();
      assertClosedByServer(socket.getInputStream());
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isLessThan(HEADER_TIMEOUT.plusSeconds(3));
    } finally {
      dribbler.shutdownNow();
    }
  }

  @Test
  void aKeptAliveConnectionGetsAFreshDeadlineForEachRequest() throws IOException {
    try (Socket socket = RawHttp.open(url)) {
      OutputStream out = socket.getOutputStream();
      out.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes());
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] first = new byte[4096];
      int n = in.read(first);
      assertThat(new String(first, 0, n, StandardCharsets.UTF_8)).startsWith("HTTP/1.1 200");
      long started = System.nanoTime();
      assertClosedByServer(in);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isLessThan(HEADER_TIMEOUT.plusSeconds(3));
    }
  }

  @Test
  void theGatewayEventStreamOutlivesTheHeaderTimeout() throws IOException {
    Fixtures.Enrolled gateway = Fixtures.enrolledGateway(server, "dc1");
    Fixtures.resourceOn(server, "prod", "dc1");
    try (Socket socket = RawHttp.open(url)) {
      socket
          .getOutputStream()
          .write(
              ("GET /api/v1/gateway/events HTTP/1.1\r\nHost: localhost\r\n"
                      + "Accept: text/event-stream\r\nAuthorization: Bearer "
                      + gateway.api().token()
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      StringBuilder seen = new StringBuilder();
      readUntil(in, seen, ": connected");
      // Quiet for more than twice the header timeout: the stream must stay open.
      socket.setSoTimeout((int) HEADER_TIMEOUT.multipliedBy(2).plusMillis(500).toMillis());
      assertThatThrownBy(() -> in.read()).isInstanceOf(SocketTimeoutException.class);
      socket.setSoTimeout(10_000);
      server
          .admin
          .patch("/api/v1/resources/prod", Map.of("serverName", "k8s.internal"))
          .expect(200);
      readUntil(in, seen, "resource.changed");
    }
  }

  private static void readUntil(InputStream in, StringBuilder seen, String text)
      throws IOException {
    byte[] buffer = new byte[4096];
    while (!seen.toString().contains(text)) {
      int n = in.read(buffer);
      assertThat(n).as("stream ended before '%s' in: %s", text, seen).isPositive();
      seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
    }
  }

  @Test
  void theServerStillAnswersAfterHostileClients() {
    RawHttp.exchange(url, "HELLO THERE\r\n\r\n");
    RawHttp.exchange(url, "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    server.anonymous.login("admin", TestServer.ADMIN_PASSWORD).get("/api/v1/users").expect(200);
  }

  /** The server's end of the connection: end of stream, or a reset. */
  private static void assertClosedByServer(InputStream in) throws IOException {
    try {
      byte[] buffer = new byte[4096];
      while (in.read(buffer) >= 0) {
        // what the server says before closing does not matter here
      }
    } catch (SocketException reset) {
      // closed too
    }
  }

  private Answer chunked(String path, String contentType, int size) throws IOException {
    return chunked(path, contentType, "", "x".repeat(size));
  }

  private Answer chunked(String path, String contentType, String cookie, int size)
      throws IOException {
    return chunked(path, contentType, cookie, "x".repeat(size));
  }

  private Answer chunked(String path, String contentType, String body) throws IOException {
    return chunked(path, contentType, "", body);
  }

  private Answer chunked(String path, String contentType, String cookie, String body)
      throws IOException {
    try (Socket socket = RawHttp.open(url)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                  + contentType
                  + (cookie.isEmpty() ? "" : "\r\nCookie: " + cookie)
                  + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      try {
        for (int at = 0; at < bytes.length; at += 4096) {
          int length = Math.min(4096, bytes.length - at);
          out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(bytes, at, length);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (SocketException closedEarly) {
        // the server answered and closed before the whole body was sent
      }
      return Answer.parse(RawHttp.readAll(socket.getInputStream()));
    }
  }
}
