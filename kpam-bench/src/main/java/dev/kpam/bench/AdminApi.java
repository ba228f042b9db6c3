package dev.kpam.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * The kpam REST API as the admin, for setting up what the bench measures.
 *
 * <pre>{@code
 * AdminApi admin = AdminApi.login(URI.create("http://localhost:8080"), password);
 * String enrollToken = admin.post("/api/v1/gateways", Map.of("name", "dc1")).get("enrollToken").asText();
 * }</pre>
 */
final class AdminApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final URI server;
  private String token;

  private AdminApi(URI server) {
    this.server = server;
  }

  static AdminApi login(URI server, String password) throws IOException, InterruptedException {
    AdminApi api = new AdminApi(server);
    api.token =
        api.post("/api/v1/auth/login", Map.of("username", "admin", "password", password))
            .get("token")
            .asText();
    return api;
  }

  JsonNode post(String path, Object body) throws IOException, InterruptedException {
    return send(
        "POST",
        HttpRequest.newBuilder(server.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))),
        path);
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    return send("GET", HttpRequest.newBuilder(server.resolve(path)).GET(), path);
  }

  private JsonNode send(String method, HttpRequest.Builder request, String path)
      throws IOException, InterruptedException {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(
          method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }
}
