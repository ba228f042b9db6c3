package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link KpamServer#close} as SIGTERM runs it: a request under way (a gateway's event upload whose
 * body is still arriving) is answered and stored; the server stops taking connections at once and
 * says it is draining; an idle keep-alive connection does not hold the stop; and the drain ends at
 * its bound however slow the client is.
 */
class GracefulStopTest {
  @Test
  void anUploadUnderWayWhenTheServerStopsIsStoredAndAnswered() throws Exception {
    TestServer server =
        TestServer.start(Backend.SQLITE, b -> b.drainTimeout(Duration.ofSeconds(20)));
    try {
      Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
      String session = Fixtures.openSession(server.admin, "prod", "admin", "1h");
      byte[] body =
          ("{\"events\":[{\"seq\":1,\"time\":\"2026-12-07T12:00:00Z\",\"type\":\"request\","
                  + "\"data\":{\"id\":\"r-1\",\"method\":\"GET\",\"path\":\"/api\"}}]}")
              .getBytes(StandardCharsets.UTF_8);
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", server.server.url().getPort()));
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /api/v1/gateway/sessions/"
                    + session
                    + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + dc1.api().token()
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, 10);
        out.flush();
        Thread.sleep(300); // the server is in the request, reading its body

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(server.server::close);
        await().atMost(Duration.ofSeconds(10)).until(server.server::draining);
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> !connects(server.server.url().getPort())); // no new connections
        assertThat(stopped).isNotDone(); // it waits for the request

        out.write(body, 10, body.length - 10);
        out.flush();
        String answer = read(socket.getInputStream());
        assertThat(answer).startsWith("HTTP/1.1 200").contains("\"accepted\":1");
        stopped.get(30, TimeUnit.SECONDS);
      }
    } finally {
      server.close();
    }
  }

  @Test
  void theDrainEndsAtItsBound() throws Exception {
    TestServer server =
        TestServer.start(Backend.SQLITE, b -> b.drainTimeout(Duration.ofSeconds(1)));
    try (Socket socket =
        sending(
            server,
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type:"
                + " application/json\r\nContent-Length: 100\r\n\r\n{")) {
      Thread.sleep(300);
      long start = System.nanoTime();
      server.close(); // the client never sends the rest
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }
  }

  @Test
  void anIdleKeepAliveConnectionDoesNotHoldTheStop() throws Exception {
    TestServer server =
        TestServer.start(Backend.SQLITE, b -> b.drainTimeout(Duration.ofSeconds(20)));
    try (Socket socket = sending(server, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) {
      assertThat(read(socket.getInputStream())).startsWith("HTTP/1.1 200");
      long start = System.nanoTime();
      server.close(); // the connection stays open, idle: Jetty gives it a second, not the bound
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }
  }

  /** A connection to {@code server} on which {@code text} was sent. */
  private static Socket sending(TestServer server, String text) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", server.server.url().getPort()));
    socket.setSoTimeout(30_000);
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return socket;
  }

  private static boolean connects(int port) {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The whole response: headers and a Content-Length body. */
  private static String read(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) break;
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
