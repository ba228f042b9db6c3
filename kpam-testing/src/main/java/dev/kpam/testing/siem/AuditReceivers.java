package dev.kpam.testing.siem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a SIEM runs to receive kpam's audit stream (docs/OPERATIONS.md §3), on loopback: an HTTP
 * collector taking JSON lines and an RFC 5424 syslog receiver over TCP with octet-counting framing
 * (RFC 6587 §3.4.1). Each keeps what it got, in order; the collector can be made to refuse posts.
 *
 * <pre>{@code
 * try (AuditReceivers receivers = AuditReceivers.start()) {
 *   // kpam server --audit-http-url receivers.httpUrl() --audit-syslog receivers.syslogAddress()
 *   receivers.httpIds(); receivers.syslogIds();
 * }
 * }</pre>
 */
public final class AuditReceivers implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer collector;
  private final ServerSocket syslog;
  private final List<JsonNode> http = new CopyOnWriteArrayList<>();
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile int httpStatus = 200;

  private AuditReceivers() throws IOException {
    collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/ingest",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          int status = httpStatus;
          if (status == 200) {
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            for (String line : body.split("\n")) {
              if (!line.isBlank()) http.add(JSON.readTree(line));
            }
          } else {
            refused.incrementAndGet();
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    collector.start();
    syslog = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept =
        new Thread(
            () -> {
              while (!syslog.isClosed()) {
                try {
                  Socket socket = syslog.accept();
                  Thread reader = new Thread(() -> readFrames(socket), "syslog-receiver");
                  reader.setDaemon(true);
                  reader.start();
                } catch (IOException closed) {
                  return;
                }
              }
            },
            "syslog-accept");
    accept.setDaemon(true);
    accept.start();
  }

  public static AuditReceivers start() {
    try {
      return new AuditReceivers();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI httpUrl() {
    return URI.create("http://127.0.0.1:" + collector.getAddress().getPort() + "/ingest");
  }

  public String syslogAddress() {
    return "127.0.0.1:" + syslog.getLocalPort();
  }

  /** The collector answers posts with {@code status} from now on (200: takes them again). */
  public void answerHttp(int status) {
    httpStatus = status;
  }

  /** Posts the collector refused. */
  public int refusedPosts() {
    return refused.get();
  }

  /** The JSON lines the collector took, in order. */
  public List<JsonNode> httpEvents() {
    return List.copyOf(http);
  }

  /** The {@code Content-Type} of each post the collector took. */
  public List<String> httpContentTypes() {
    return List.copyOf(contentTypes);
  }

  /** The audit event ids the collector took, in order (a retried batch twice). */
  public List<Long> httpIds() {
    return http.stream().map(e -> e.get("id").asLong()).toList();
  }

  /** The syslog messages received, without their framing, in order. */
  public List<String> syslogMessages() {
    return List.copyOf(messages);
  }

  /** The audit event ids of the syslog messages, in order. */
  public List<Long> syslogIds() {
    List<Long> ids = new ArrayList<>();
    for (String message : messages) {
      String json = message.substring(message.indexOf(" - {") + 3);
      try {
        ids.add(JSON.readTree(json).get("id").asLong());
      } catch (IOException e) {
        throw new AssertionError("not JSON after the header: " + message);
      }
    }
    return ids;
  }

  /** Digits, a space, that many bytes. */
  private void readFrames(Socket socket) {
    try (InputStream in = new BufferedInputStream(socket.getInputStream())) {
      while (true) {
        int length = 0;
        int c;
        while ((c = in.read()) != ' ') {
          if (c < 0) return;
          if (c < '0' || c > '9') {
            messages.add("not octet counting: " + (char) c); // syslogIds() fails on it
            return;
          }
          length = length * 10 + (c - '0');
        }
        messages.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the server closed the connection (or died)
    }
  }

  @Override
  public void close() throws IOException {
    collector.stop(0);
    syslog.close();
  }
}
