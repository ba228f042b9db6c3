package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.crypto.pki.KpamIdentity;
import dev.kpam.crypto.pki.Pem;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class GatewayTest extends ServerTestBase {
  GatewayTest(Backend backend) {
    super(backend);
  }

  @Test
  void creatingAGatewayShowsATokenAndTheCommandThatStartsIt() {
    var created = server.admin.post("/api/v1/gateways", Map.of("name", "dc1")).expect(201).json();
    String token = created.get("enrollToken").asText();
    assertThat(created.get("command").asText())
        .isEqualTo(
            "kpam gateway --server "
                + server.server.url()
                + " --enroll-token "
                + token
                + " --name dc1");
    assertThat(created.get("gateway").get("status").asText()).isEqualTo("pending");
    assertThat(server.admin.get("/api/v1/gateways").body()).doesNotContain(token);
  }

  @Test
  void anEnrollmentTokenWorksExactlyOnce() {
    String token =
        server
            .admin
            .post("/api/v1/gateways", Map.of("name", "dc1"))
            .expect(201)
            .json()
            .get("enrollToken")
            .asText();
    var enrolled =
        server
            .anonymous
            .post("/api/v1/gateway/enroll", Map.of("enrollToken", token, "csr", Fixtures.csr()))
            .expect(200)
            .json();
    X509Certificate certificate = Pem.parseCertificate(enrolled.get("certificate").asText());
    KpamIdentity identity = KpamIdentity.require(certificate);
    assertThat(identity.kind()).isEqualTo(KpamIdentity.Kind.GATEWAY);
    assertThat(identity.gatewayId()).isEqualTo(enrolled.get("gatewayId").asText());
    assertThat(enrolled.get("relayAddresses").toString()).isEqualTo("[\"localhost:18443\"]");
    assertThat(enrolled.get("caChain")).hasSize(1);

    server
        .anonymous
        .post("/api/v1/gateway/enroll", Map.of("enrollToken", token, "csr", Fixtures.csr()))
        .expectError(401, "unauthenticated");
  }

  @Test
  void anEnrollmentTokenExpiresAfterAnHour() {
    String token =
        server
            .admin
            .post("/api/v1/gateways", Map.of("name", "dc1"))
            .expect(201)
            .json()
            .get("enrollToken")
            .asText();
    server.clock.advance(Duration.ofMinutes(61));
    server
        .anonymous
        .post("/api/v1/gateway/enroll", Map.of("enrollToken", token, "csr", Fixtures.csr()))
        .expectError(401, "unauthenticated");
  }

  @Test
  void aNewEnrollmentTokenReplacesTheUnusedOne() {
    String first =
        server
            .admin
            .post("/api/v1/gateways", Map.of("name", "dc1"))
            .expect(201)
            .json()
            .get("enrollToken")
            .asText();
    String second =
        server
            .admin
            .post("/api/v1/gateways/dc1/enroll-token", null)
            .expect(201)
            .json()
            .get("enrollToken")
            .asText();
    server
        .anonymous
        .post("/api/v1/gateway/enroll", Map.of("enrollToken", first, "csr", Fixtures.csr()))
        .expect(401);
    server
        .anonymous
        .post("/api/v1/gateway/enroll", Map.of("enrollToken", second, "csr", Fixtures.csr()))
        .expect(200);
  }

  @Test
  void aMalformedCsrIsRefusedWithoutSpendingTheToken() {
    String token =
        server
            .admin
            .post("/api/v1/gateways", Map.of("name", "dc1"))
            .expect(201)
            .json()
            .get("enrollToken")
            .asText();
    assertThat(
            server
                .anonymous
                .post("/api/v1/gateway/enroll", Map.of("enrollToken", token, "csr", "garbage"))
                .expectError(400, "invalid_argument")
                .message())
        .startsWith("csr:");
    server
        .anonymous
        .post("/api/v1/gateway/enroll", Map.of("enrollToken", token, "csr", Fixtures.csr()))
        .expect(200);
  }

  @Test
  void heartbeatsMakeAGatewayOnlineAndSilenceMakesItOffline() {
    Fixtures.Enrolled gateway = Fixtures.enrolledGateway(server, "dc1");
    assertThat(server.admin.get("/api/v1/gateways/dc1").json().get("status").asText())
        .isEqualTo("offline");
    JsonNode answer =
        gateway
            .api()
            .post(
                "/api/v1/gateway/heartbeat",
                Map.of(
                    "version",
                    "1.2.3",
                    "relays",
                    java.util.List.of("relay-a:8443"),
                    "activeSessions",
                    0))
            .expect(200)
            .json();
    assertThat(answer.get("relays")).as("the relays the server announces").isNotEmpty();
    var view = server.admin.get("/api/v1/gateways/dc1").json();
    assertThat(view.get("status").asText()).isEqualTo("online");
    assertThat(view.get("version").asText()).isEqualTo("1.2.3");
    assertThat(view.get("relays").toString()).isEqualTo("[\"relay-a:8443\"]");
    server.clock.advance(Duration.ofSeconds(31));
    assertThat(server.admin.get("/api/v1/gateways/dc1").json().get("status").asText())
        .isEqualTo("offline");
  }

  @Test
  void aGatewayRenewsItsCertificateWithItsCredential() {
    Fixtures.Enrolled gateway = Fixtures.enrolledGateway(server, "dc1");
    var renewed =
        gateway
            .api()
            .post("/api/v1/gateway/certificate", Map.of("csr", Fixtures.csr()))
            .expect(200)
            .json();
    assertThat(
            KpamIdentity.require(Pem.parseCertificate(renewed.get("certificate").asText()))
                .gatewayId())
        .isEqualTo(gateway.id());
    server
        .anonymous
        .withToken("kpgw_wrong")
        .post("/api/v1/gateway/certificate", Map.of("csr", Fixtures.csr()))
        .expectError(401, "unauthenticated");
  }

  @Test
  void eachInstanceOfAPoolEnrollsWithATokenOfItsOwnAndKeepsItsCredentialUntilTheGatewayIsDeleted() {
    Fixtures.Enrolled first = Fixtures.enrolledGateway(server, "dc1");
    Fixtures.Enrolled second = anotherInstance("dc1");
    assertThat(second.id()).isEqualTo(first.id());
    Api secondApi = second.api();

    for (Api instance : new Api[] {first.api(), secondApi}) {
      instance.post("/api/v1/gateway/certificate", Map.of("csr", Fixtures.csr())).expect(200);
    }
    JsonNode enrolled = server.admin.get("/api/v1/gateways/dc1").expect(200).json();
    assertThat(enrolled.get("instances").asInt()).isEqualTo(2);
    assertThat(enrolled.get("instancesOnline").asInt()).isZero();
    secondApi
        .post(
            "/api/v1/gateway/heartbeat",
            Map.of("version", "test", "relays", List.of(), "activeSessions", 0))
        .expect(200);
    JsonNode beating = server.admin.get("/api/v1/gateways/dc1").expect(200).json();
    assertThat(beating.get("status").asText()).isEqualTo("online");
    assertThat(beating.get("instancesOnline").asInt()).isEqualTo(1);
    server.clock.advance(Duration.ofSeconds(31));
    assertThat(
            server
                .admin
                .get("/api/v1/gateways/dc1")
                .expect(200)
                .json()
                .get("instancesOnline")
                .asInt())
        .isZero();

    server.admin.delete("/api/v1/gateways/dc1").expect(204);
    for (Api instance : new Api[] {first.api(), secondApi}) {
      instance
          .post("/api/v1/gateway/certificate", Map.of("csr", Fixtures.csr()))
          .expectError(401, "unauthenticated");
    }
  }

  @Test
  void theEventsTwoInstancesOfAPoolRecordInOneSessionAreAllStoredEachOnce() {
    Fixtures.Enrolled first = Fixtures.resourceWithAccount(server, "prod", "dc1");
    Fixtures.Enrolled second = anotherInstance("dc1");
    String session = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    // Each instance numbers its own events from 1; the first one also sends its batch twice, as
    // after a lost answer.
    List<Map<String, Object>> firstBatch = batch("r-a", 3);
    for (int attempt = 0; attempt < 2; attempt++) {
      JsonNode ack =
          first
              .api()
              .post("/api/v1/gateway/sessions/" + session + "/events", Map.of("events", firstBatch))
              .expect(200)
              .json();
      assertThat(ack.get("contiguousThrough").asLong()).isEqualTo(3);
      assertThat(ack.get("accepted").asInt()).isEqualTo(attempt == 0 ? 3 : 0);
    }
    JsonNode secondAck =
        second
            .api()
            .post(
                "/api/v1/gateway/sessions/" + session + "/events",
                Map.of("events", batch("r-b", 2)))
            .expect(200)
            .json();
    assertThat(secondAck.get("accepted").asInt()).isEqualTo(2);
    assertThat(secondAck.get("contiguousThrough").asLong()).isEqualTo(2);

    JsonNode items =
        server.admin.get("/api/v1/sessions/" + session + "/events").expect(200).json().get("items");
    List<String> stored = new java.util.ArrayList<>();
    items.forEach(e -> stored.add(e.get("seq").asLong() + " " + e.get("data").get("id").asText()));
    assertThat(stored).containsExactly("1 r-a-1", "2 r-a-2", "3 r-a-3", "4 r-b-1", "5 r-b-2");
  }

  /** Another instance of {@code gateway}, enrolled with a new token of its own. */
  private Fixtures.Enrolled anotherInstance(String gateway) {
    String token =
        server
            .admin
            .post("/api/v1/gateways/" + gateway + "/enroll-token", null)
            .expect(201)
            .json()
            .get("enrollToken")
            .asText();
    JsonNode enrolled =
        server
            .anonymous
            .post("/api/v1/gateway/enroll", Map.of("enrollToken", token, "csr", Fixtures.csr()))
            .expect(200)
            .json();
    return new Fixtures.Enrolled(
        enrolled.get("gatewayId").asText(),
        server.anonymous.withToken(enrolled.get("credential").asText()));
  }

  /** {@code count} request events numbered from 1, with ids {@code prefix-1} on. */
  private static List<Map<String, Object>> batch(String prefix, int count) {
    List<Map<String, Object>> events = new java.util.ArrayList<>();
    for (int seq = 1; seq <= count; seq++) {
      events.add(
          Map.of(
              "seq",
              seq,
              "time",
              "2026-12-07T12:00:0" + seq + "Z",
              "type",
              "request",
              "data",
              Map.of("id", prefix + "-" + seq, "method", "GET", "path", "/api/v1/pods")));
    }
    return events;
  }

  @Test
  void aGatewayInUseCannotBeDeleted() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    assertThat(server.admin.delete("/api/v1/gateways/dc1").expectError(409, "conflict").message())
        .contains("prod");
    server.admin.delete("/api/v1/resources/prod").expect(204);
    server.admin.delete("/api/v1/gateways/dc1").expect(204);
    server.admin.get("/api/v1/gateways/dc1").expectError(404, "not_found");
  }
}
