package dev.kpam.it.access;

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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a SIEM runs to receive kpam's audit stream (docs/OPERATIONS.md §3), on loopback: an HTTP
 * collector taking JSON lines and an RFC 5424 syslog receiver over TCP with octet-counting framing;
 * each keeps the ids of the audit events it got.
 *
 * <pre>{@code
 * try (AuditReceivers receivers = AuditReceivers.start()) {
 *   // kpam server --audit-http-url receivers.httpUrl() --audit-syslog receivers.syslogAddress()
 *   receivers.httpIds(); receivers.syslogIds();
 * }
 * }</pre>
 */
final class AuditReceivers implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer collector;
  private final ServerSocket syslog;
  private final Set<Long> httpIds = ConcurrentHashMap.newKeySet();
  private final Set<Long> syslogIds = ConcurrentHashMap.newKeySet();

  private AuditReceivers() throws IOException {
    collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/ingest",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          for (String line : body.split("\n")) {
            if (!line.isBlank()) httpIds.add(JSON.readTree(line).get("id").asLong());
          }
          exchange.sendResponseHeaders(200, -1);
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

  static AuditReceivers start() {
    try {
      return new AuditReceivers();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI httpUrl() {
    return URI.create("http://127.0.0.1:" + collector.getAddress().getPort() + "/ingest");
  }

  String syslogAddress() {
    return "127.0.0.1:" + syslog.getLocalPort();
  }

  Set<Long> httpIds() {
    return Set.copyOf(httpIds);
  }

  Set<Long> syslogIds() {
    return Set.copyOf(syslogIds);
  }

  /** RFC 6587 octet counting: digits, a space, that many bytes; the JSON follows {@code " - "}. */
  private void readFrames(Socket socket) {
    try (InputStream in = new BufferedInputStream(socket.getInputStream())) {
      while (true) {
        int length = 0;
        int c;
        while ((c = in.read()) != ' ') {
          if (c < '0' || c > '9') return; // closed, or not octet counting
          length = length * 10 + (c - '0');
        }
        String message = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        syslogIds.add(
            JSON.readTree(message.substring(message.indexOf(" - {") + 3)).get("id").asLong());
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
