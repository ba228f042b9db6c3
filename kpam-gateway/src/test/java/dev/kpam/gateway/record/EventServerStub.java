package dev.kpam.gateway.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kpam.gateway.control.ControlPlaneClient;
import dev.kpam.gateway.control.ServerEventEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The server's event upload, as small as it gets: {@code POST /api/v1/gateway/sessions/{id}/events}
 * stores events by seq (idempotently) and answers {@code EventBatchAck}; it can be made to fail
 * with any status.
 */
final class EventServerStub implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "/api/v1/gateway/sessions/";

  private final HttpServer server;
  private final Map<String, TreeMap<Long, JsonNode>> bySession = new ConcurrentHashMap<>();
  final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  volatile int failWith;

  EventServerStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(PREFIX, this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The uploader's endpoint over HTTP, through the gateway's real REST client. */
  EventUploader.Endpoint endpoint() {
    ControlPlaneClient api =
        new ControlPlaneClient(uri(), HttpClient.newHttpClient(), () -> "gateway-credential");
    return new ServerEventEndpoint(api);
  }

  /** Read under the lock the upload handler writes under: a TreeMap is not thread-safe. */
  List<Long> seqs(String sessionId) {
    synchronized (bySession) {
      TreeMap<Long, JsonNode> events = bySession.get(sessionId);
      return events == null ? List.of() : new ArrayList<>(events.keySet());
    }
  }

  List<JsonNode> events(String sessionId) {
    synchronized (bySession) {
      TreeMap<Long, JsonNode> events = bySession.get(sessionId);
      return events == null ? List.of() : new ArrayList<>(events.values());
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String sessionId = path.substring(PREFIX.length(), path.length() - "/events".length());
      int status = failWith;
      if (status != 0) {
        answer(exchange, status, "{\"code\":\"stub\",\"message\":\"failing on purpose\"}");
        return;
      }
      JsonNode batch = JSON.readTree(exchange.getRequestBody());
      batchSizes.add(batch.path("events").size());
      TreeMap<Long, JsonNode> events;
      int accepted = 0;
      long through = 0;
      synchronized (bySession) {
        events = bySession.computeIfAbsent(sessionId, id -> new TreeMap<>());
        for (JsonNode event : batch.path("events")) {
          if (events.putIfAbsent(event.path("seq").asLong(), event) == null) {
            accepted++;
          }
        }
        while (events.containsKey(through + 1)) {
          through++;
        }
      }
      int duplicates = batch.path("events").size() - accepted;
      answer(
          exchange,
          200,
          "{\"accepted\":"
              + accepted
              + ",\"duplicates\":"
              + duplicates
              + ",\"contiguousThrough\":"
              + through
              + "}");
    }
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
