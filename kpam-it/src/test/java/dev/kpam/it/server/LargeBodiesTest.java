package dev.kpam.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code kpam server} process with a 512 MiB heap, hit by 100 clients at once that each send
 * an 8 MB body (with a Content-Length, and chunked without one) to sign-in, sessions, resources and
 * users. Each is refused with a 413 (or the connection closed after it) before its body is
 * buffered; afterwards the server still signs in and answers, and never ran out of memory.
 */
class LargeBodiesTest {
  private static final Path KPAM_JAR =
      Path.of("..", "kpam-app", "target", "kpam.jar").toAbsolutePath().normalize();
  private static final String PASSWORD = "admin-password-for-large-bodies";
  private static final int CLIENTS = 100;
  private static final int BODY_BYTES = 8 * 1000 * 1000;
  private static final List<String> PATHS =
      List.of("/api/v1/auth/login", "/api/v1/sessions", "/api/v1/resources", "/api/v1/users");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private Process server;
  private Path log;
  private URI url;

  @BeforeEach
  void startServer() throws IOException {
    int httpPort = freePort();
    int relayPort = freePort();
    log = dir.resolve("server.log");
    server =
        new ProcessBuilder(
                "java",
                "-Xmx512m",
                "-jar",
                KPAM_JAR.toString(),
                "server",
                "--data-dir",
                dir.resolve("data").toString(),
                "--bind",
                "127.0.0.1",
                "--http-port",
                Integer.toString(httpPort),
                "--relay-port",
                Integer.toString(relayPort),
                "--bootstrap-password",
                PASSWORD)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    url = URI.create("http://127.0.0.1:" + httpPort);
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> !server.isAlive() || get("/healthz", null).statusCode() == 200);
    assertThat(server.isAlive()).as("kpam server exited: %s", logText()).isTrue();
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    server.destroy();
    if (!server.waitFor(20, TimeUnit.SECONDS)) {
      server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aHundredParallelEightMegabyteBodiesAreRefusedAndTheServerStillAnswers() throws Exception {
    String token = login();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    CountDownLatch ready = new CountDownLatch(CLIENTS);
    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    List<Future<?>> sent = new ArrayList<>();
    try {
      for (int i = 0; i < CLIENTS; i++) {
        String path = PATHS.get(i % PATHS.size());
        boolean chunked = (i / PATHS.size()) % 2 == 1;
        sent.add(
            clients.submit(
                () -> {
                  ready.countDown();
                  ready.await();
                  String outcome = send(path, token, chunked);
                  outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                  return null;
                }));
      }
      for (Future<?> each : sent) {
        each.get(5, TimeUnit.MINUTES);
      }
    } finally {
      clients.shutdownNow();
    }
    System.out.println("outcomes of " + CLIENTS + " 8 MB bodies: " + outcomes);
    assertThat(outcomes.keySet()).as("outcomes %s", outcomes).isSubsetOf("413", "closed");
    assertThat(outcomes).containsKey("413");

    assertThat(server.isAlive()).as("server alive; log: %s", logText()).isTrue();
    String again = login();
    HttpResponse<String> resources = get("/api/v1/resources", again);
    assertThat(resources.statusCode()).as(resources.body()).isEqualTo(200);
    assertThat(logText()).doesNotContain("OutOfMemoryError");
  }

  /**
   * One 8 MB POST on its own socket: "413" when a 413 came back, "closed" when the server closed
   * the connection (after its 413) before the answer could be read, else the status seen.
   */
  private String send(String path, String token, boolean chunked) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 10_000);
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      String head =
          "POST "
              + path
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Authorization: Bearer "
              + token
              + "\r\n"
              + (chunked
                  ? "Transfer-Encoding: chunked\r\n"
                  : "Content-Length: " + BODY_BYTES + "\r\n")
              + "\r\n";
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'x');
      try {
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        for (int written = 0; written < BODY_BYTES && in.available() == 0; ) {
          int length = Math.min(chunk.length, BODY_BYTES - written);
          if (chunked) {
            out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          }
          out.write(chunk, 0, length);
          if (chunked) {
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
          written += length;
        }
        if (chunked && in.available() == 0) {
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
      } catch (IOException closed) {
        // the server stopped listening to the body; its answer may still be readable
      }
      byte[] answer = readSome(in);
      if (answer.length < 12) {
        return "closed";
      }
      String status = new String(answer, 9, 3, StandardCharsets.US_ASCII);
      if (status.equals("413")) {
        JsonNode body = JSON.readTree(bodyOf(answer));
        assertThat(body.get("code").asText()).isEqualTo("payload_too_large");
      }
      return status;
    } catch (IOException e) {
      return "closed";
    }
  }

  /** The answer up to its end or the connection's; a reset after some bytes ends it too. */
  private static byte[] readSome(InputStream in) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        all.write(buffer, 0, n);
        if (complete(all.toByteArray())) {
          break;
        }
      }
    } catch (IOException reset) {
      // what arrived is what there is
    }
    return all.toByteArray();
  }

  private static boolean complete(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    java.util.regex.Matcher length =
        java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
    return length.find() && length.start() < end
        ? bytes.length >= end + 4 + Integer.parseInt(length.group(1))
        : false;
  }

  private static String bodyOf(byte[] answer) {
    String text = new String(answer, StandardCharsets.UTF_8);
    return text.substring(text.indexOf("\r\n\r\n") + 4);
  }

  private String login() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(url.resolve("/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(Map.of("username", "admin", "password", PASSWORD))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).get("token").asText();
  }

  private HttpResponse<String> get(String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(url.resolve(path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String logText() throws IOException {
    return Files.readString(log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
