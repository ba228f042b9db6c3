package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.crypto.pki.KpamIdentity;
import dev.kpam.crypto.pki.Pem;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Standalone relays: registration, enrollment, renewal, session admission and deletion. */
@ParameterizedClass
@EnumSource(Backend.class)
class RelayTest extends ServerTestBase {
  private static final List<String> ADDRESSES =
      List.of("relay.example.com:7443", "10.0.0.9:7443", "[fd00::7]:7443");

  @RegisterExtension final CapturedLogs logs = new CapturedLogs();

  RelayTest(Backend backend) {
    super(backend);
  }

  @Test
  void registeringARelayShowsATokenOnceAndTheCommandThatStartsIt() {
    var created = server.admin.post("/api/v1/relays", Map.of("name", "edge")).expect(201).json();
    String token = created.get("enrollToken").asText();

    assertThat(token).startsWith("kpre_");
    assertThat(created.get("command").asText())
        .isEqualTo(
            "kpam relay --server "
                + server.server.url()
                + " --enroll-token "
                + token
                + " --name edge");
    assertThat(created.get("relay").get("status").asText()).isEqualTo("pending");
    var listed = server.admin.get("/api/v1/relays").expect(200);
    assertThat(listed.body()).doesNotContain(token);
    assertThat(listed.json().get("items").get(0).get("name").asText()).isEqualTo("edge");
    server.admin.post("/api/v1/relays", Map.of("name", "edge")).expectError(409, "already_exists");
    server
        .admin
        .post("/api/v1/relays", Map.of("name", "Edge 1"))
        .expectError(400, "invalid_argument");
  }

  @Test
  void aRelayEnrollsOnceAndItsCertificateNamesItAndItsAddresses() throws Exception {
    String token = createRelay("edge");

    var enrolled =
        server
            .anonymous
            .post(
                "/api/v1/relay/enroll",
                Map.of("enrollToken", token, "csr", Fixtures.csr(), "addresses", ADDRESSES))
            .expect(200)
            .json();

    X509Certificate certificate = Pem.parseCertificate(enrolled.get("certificate").asText());
    String relayId = enrolled.get("relayId").asText();
    assertThat(KpamIdentity.require(certificate)).isEqualTo(KpamIdentity.relay(relayId));
    assertThat(certificate.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(
            List.of(6, "kpam://relay/" + relayId),
            List.of(2, "relay.example.com"),
            List.of(7, "10.0.0.9"),
            List.of(7, "fd00:0:0:0:0:0:0:7"));
    assertThat(enrolled.get("credential").asText()).startsWith("kprl_");
    assertThat(enrolled.get("caChain")).hasSize(1);
    var view = server.admin.get("/api/v1/relays").json().get("items").get(0);
    assertThat(view.get("status").asText()).isEqualTo("enrolled");
    assertThat(view.get("addresses").toString())
        .isEqualTo("[\"relay.example.com:7443\",\"10.0.0.9:7443\",\"[fd00::7]:7443\"]");
    assertThat(view.get("certificateExpiresAt").asText()).isNotEmpty();

    server
        .anonymous
        .post("/api/v1/relay/enroll", Map.of("enrollToken", token, "csr", Fixtures.csr()))
        .expectError(401, "unauthenticated");
  }

  @Test
  void anEnrollmentTokenExpiresAfterAnHour() {
    String token = createRelay("edge");
    server.clock.advance(Duration.ofMinutes(61));

    server
        .anonymous
        .post("/api/v1/relay/enroll", Map.of("enrollToken", token, "csr", Fixtures.csr()))
        .expectError(401, "unauthenticated");
  }

  @Test
  void badAddressesAreRefusedWithoutSpendingTheToken() {
    String token = createRelay("edge");

    for (String address : List.of("relay.example.com", "relay:0", "https://relay:7443", "a b:1")) {
      assertThat(
              server
                  .anonymous
                  .post(
                      "/api/v1/relay/enroll",
                      Map.of(
                          "enrollToken",
                          token,
                          "csr",
                          Fixtures.csr(),
                          "addresses",
                          List.of(address)))
                  .expectError(400, "invalid_argument")
                  .message())
          .as(address)
          .startsWith("addresses[0]:");
    }
    server
        .anonymous
        .post(
            "/api/v1/relay/enroll",
            Map.of("enrollToken", token, "csr", Fixtures.csr(), "addresses", List.of()))
        .expect(200);
  }

  @Test
  void aRelayRenewsItsCertificateWithItsCredentialAndMayMove() throws Exception {
    Fixtures.Enrolled relay = Fixtures.enrolledRelay(server, "edge", ADDRESSES);

    var kept =
        relay
            .api()
            .post("/api/v1/relay/certificate", Map.of("csr", Fixtures.csr()))
            .expect(200)
            .json();
    X509Certificate sameNames = Pem.parseCertificate(kept.get("certificate").asText());
    assertThat(KpamIdentity.require(sameNames)).isEqualTo(KpamIdentity.relay(relay.id()));
    assertThat(sameNames.getSubjectAlternativeNames()).contains(List.of(2, "relay.example.com"));

    var moved =
        relay
            .api()
            .post(
                "/api/v1/relay/certificate",
                Map.of("csr", Fixtures.csr(), "addresses", List.of("edge.example.org:443")))
            .expect(200)
            .json();
    assertThat(Pem.parseCertificate(moved.get("certificate").asText()).getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(
            List.of(6, "kpam://relay/" + relay.id()), List.of(2, "edge.example.org"));
    assertThat(server.admin.get("/api/v1/relays").json().get("items").get(0).get("addresses"))
        .hasToString("[\"edge.example.org:443\"]");

    server
        .anonymous
        .withToken("kprl_wrong")
        .post("/api/v1/relay/certificate", Map.of("csr", Fixtures.csr()))
        .expectError(401, "unauthenticated");
  }

  @Test
  void theAdmissionPassesOnlyActiveUnexpiredSessionsOfTheNamedGateway() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    Fixtures.Enrolled dc2 = Fixtures.enrolledGateway(server, "dc2");
    Fixtures.Enrolled relay = Fixtures.enrolledRelay(server, "edge", ADDRESSES);
    String id = Fixtures.openSession(server.admin, "prod", "admin", "10m");

    relay.api().get(admission(id, dc1.id())).expect(204);
    assertThat(relay.api().get(admission(id, dc2.id())).expectError(403, "forbidden").message())
        .isEqualTo("session " + id + " is not served by this gateway");
    assertThat(
            relay
                .api()
                .get(admission("no-such-session", dc1.id()))
                .expectError(404, "not_found")
                .message())
        .isEqualTo("session no-such-session does not exist");
    assertThat(
            relay
                .api()
                .get("/api/v1/relay/sessions/" + id + "/admission")
                .expectError(400, "invalid_argument")
                .message())
        .startsWith("gateway:");

    server.admin.post("/api/v1/sessions/" + id + "/end", Map.of("reason", "done")).expect(200);
    assertThat(relay.api().get(admission(id, dc1.id())).expectError(410, "session_ended").message())
        .isEqualTo("session " + id + " is ended: done");

    String terminated = Fixtures.openSession(server.admin, "prod", "admin", "10m");
    server
        .admin
        .post("/api/v1/sessions/" + terminated + "/terminate", Map.of("reason", "incident 7"))
        .expect(200);
    assertThat(
            relay
                .api()
                .get(admission(terminated, dc1.id()))
                .expectError(410, "session_terminated")
                .message())
        .contains("incident 7");

    String expiring = Fixtures.openSession(server.admin, "prod", "admin", "10m");
    server.clock.advance(Duration.ofMinutes(10));
    relay.api().get(admission(expiring, dc1.id())).expectError(410, "session_expired");

    assertThat(server.admin.get("/api/v1/audit?action=session.admission.denied").body())
        .contains("relay:edge")
        .contains("session:" + id);
  }

  @Test
  void gatewayAndRelayCredentialsOpenOnlyTheirOwnApi() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    Fixtures.Enrolled relay = Fixtures.enrolledRelay(server, "edge", ADDRESSES);
    String id = Fixtures.openSession(server.admin, "prod", "admin", "10m");

    dc1.api().get(admission(id, dc1.id())).expectError(401, "unauthenticated");
    relay.api().get("/api/v1/gateway/sessions/" + id).expectError(401, "unauthenticated");
    relay.api().get("/api/v1/relays").expectError(401, "unauthenticated");
    server.user("mia", "member").get("/api/v1/relays").expectError(403, "forbidden");
  }

  @Test
  void aDeletedRelayCanNoLongerAdmitSessions() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    Fixtures.Enrolled relay = Fixtures.enrolledRelay(server, "edge", ADDRESSES);
    String id = Fixtures.openSession(server.admin, "prod", "admin", "10m");

    server.admin.delete("/api/v1/relays/edge").expect(204);

    relay.api().get(admission(id, "dc1")).expectError(401, "unauthenticated");
    assertThat(server.admin.get("/api/v1/relays").json().get("items")).isEmpty();
    server.admin.delete("/api/v1/relays/edge").expectError(404, "not_found");
    assertThat(server.admin.get("/api/v1/audit?target=relay:edge").body())
        .contains("relay.create", "relay.enroll", "relay.delete");
  }

  @Test
  void theEnrollmentTokenAndTheRelayCredentialAreNeverShownOrStoredAgain() throws Exception {
    List<String> responses = new ArrayList<>();
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    var created = server.admin.post("/api/v1/relays", Map.of("name", "edge")).expect(201).json();
    String token = created.get("enrollToken").asText();
    var enrolled =
        server
            .anonymous
            .post(
                "/api/v1/relay/enroll",
                Map.of("enrollToken", token, "csr", Fixtures.csr(), "addresses", ADDRESSES))
            .expect(200)
            .json();
    String credential = enrolled.get("credential").asText();
    Api relay = server.anonymous.withToken(credential);
    String id = Fixtures.openSession(server.admin, "prod", "admin", "10m");
    responses.add(
        server
            .anonymous
            .post("/api/v1/relay/enroll", Map.of("enrollToken", token, "csr", Fixtures.csr()))
            .expect(401)
            .body());
    responses.add(relay.get(admission(id, "wrong-gateway")).expect(403).body());
    responses.add(
        relay.post("/api/v1/relay/certificate", Map.of("csr", Fixtures.csr())).expect(200).body());
    responses.add(server.admin.get("/api/v1/relays").expect(200).body());
    responses.add(server.admin.get("/api/v1/audit?limit=1000").expect(200).body());

    for (String body : responses) {
      assertThat(body).doesNotContain(token).doesNotContain(credential);
    }
    logs.assertNoneContains(token, credential);
    for (String stored : StoredText.of(server)) {
      assertThat(stored).doesNotContain(token).doesNotContain(credential);
    }
  }

  private String createRelay(String name) {
    return server
        .admin
        .post("/api/v1/relays", Map.of("name", name))
        .expect(201)
        .json()
        .get("enrollToken")
        .asText();
  }

  private static String admission(String sessionId, String gatewayId) {
    return "/api/v1/relay/sessions/" + sessionId + "/admission?gateway=" + gatewayId;
  }
}
