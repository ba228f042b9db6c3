package dev.kpam.server;

import dev.kpam.crypto.pki.Csrs;
import dev.kpam.crypto.pki.KeyPairs;
import java.util.List;
import java.util.Map;

/** Creating the usual things through the API, so tests read as their scenario. */
final class Fixtures {
  static final String SA_TOKEN = "eyJhbGciOiJSUzI1NiJ9.sa-token-that-must-never-leak.c2lnbmF0dXJl";

  private Fixtures() {}

  static String csr() {
    return Csrs.create(KeyPairs.generateEcP256(), "kpam-client");
  }

  /** A gateway enrolled with a fresh key; returns its credential. */
  static Enrolled enrolledGateway(TestServer server, String name) {
    String token =
        server
            .admin
            .post("/api/v1/gateways", Map.of("name", name))
            .expect(201)
            .json()
            .get("enrollToken")
            .asText();
    var response =
        server
            .anonymous
            .post(
                "/api/v1/gateway/enroll",
                Map.of("enrollToken", token, "csr", csr(), "version", "test"))
            .expect(200)
            .json();
    return new Enrolled(
        response.get("gatewayId").asText(),
        server.anonymous.withToken(response.get("credential").asText()));
  }

  record Enrolled(String id, Api api) {}

  /** A standalone relay registered and enrolled with a fresh key; returns its credential. */
  static Enrolled enrolledRelay(TestServer server, String name, List<String> addresses) {
    String token =
        server
            .admin
            .post("/api/v1/relays", Map.of("name", name))
            .expect(201)
            .json()
            .get("enrollToken")
            .asText();
    var response =
        server
            .anonymous
            .post(
                "/api/v1/relay/enroll",
                Map.of("enrollToken", token, "csr", csr(), "addresses", addresses))
            .expect(200)
            .json();
    return new Enrolled(
        response.get("relayId").asText(),
        server.anonymous.withToken(response.get("credential").asText()));
  }

  /** gateway + resource + account "admin" on it. */
  static Enrolled resourceWithAccount(TestServer server, String resource, String gateway) {
    Enrolled enrolled = enrolledGateway(server, gateway);
    resourceWithAccountOn(server, resource, gateway);
    return enrolled;
  }

  /** A resource (no account) through an existing gateway. */
  static void resourceOn(TestServer server, String resource, String gateway) {
    server
        .admin
        .post(
            "/api/v1/resources",
            Map.of("name", resource, "url", "https://127.0.0.1:6443", "gateway", gateway))
        .expect(201);
  }

  /** Resource + account "admin" on it, through an existing gateway. */
  static void resourceWithAccountOn(TestServer server, String resource, String gateway) {
    resourceOn(server, resource, gateway);
    server
        .admin
        .post(
            "/api/v1/resources/" + resource + "/accounts",
            Map.of("name", "admin", "token", SA_TOKEN, "maxSessionDuration", "2h"))
        .expect(201);
  }

  static String openSession(Api user, String resource, String account, String duration) {
    return user.post(
            "/api/v1/sessions",
            Map.of("resource", resource, "account", account, "duration", duration, "csr", csr()))
        .expect(201)
        .json()
        .get("session")
        .get("id")
        .asText();
  }
}
