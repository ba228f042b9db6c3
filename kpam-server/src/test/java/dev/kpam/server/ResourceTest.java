package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.Pem;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class ResourceTest extends ServerTestBase {
  ResourceTest(Backend backend) {
    super(backend);
  }

  private Map<String, Object> resource(String name, String url) {
    Map<String, Object> body = new HashMap<>();
    body.put("name", name);
    body.put("url", url);
    body.put("gateway", "dc1");
    return body;
  }

  @Test
  void aResourceKeepsItsTlsOptionsAndShowsItsGatewaysStatus() {
    Fixtures.enrolledGateway(server, "dc1");
    String ca =
        Pem.encodeCertificate(
            CertificateAuthority.create("cluster CA", Clock.systemUTC()).certificate());
    Map<String, Object> body = resource("prod", "https://api.prod.internal:6443/");
    body.put("caCert", ca);
    body.put("serverName", "kubernetes.default.svc");
    var created = server.admin.post("/api/v1/resources", body).expect(201).json();
    assertThat(created.get("url").asText()).isEqualTo("https://api.prod.internal:6443");
    assertThat(created.get("type").asText()).isEqualTo("kubernetes");
    assertThat(created.get("gateway").asText()).isEqualTo("dc1");
    assertThat(created.get("gatewayStatus").asText()).isEqualTo("offline");
    assertThat(created.get("caCert").asText()).contains("BEGIN CERTIFICATE");
    assertThat(created.get("serverName").asText()).isEqualTo("kubernetes.default.svc");
    assertThat(created.get("insecureSkipTlsVerify").asBoolean()).isFalse();

    var updated =
        server
            .admin
            .patch("/api/v1/resources/prod", Map.of("caCert", "", "insecureSkipTlsVerify", true))
            .expect(200)
            .json();
    assertThat(updated.get("caCert").isNull()).isTrue();
    assertThat(updated.get("serverName").asText()).isEqualTo("kubernetes.default.svc");
    assertThat(updated.get("insecureSkipTlsVerify").asBoolean()).isTrue();
  }

  @Test
  void badResourcesAreRefusedWithTheFieldNamed() {
    Fixtures.enrolledGateway(server, "dc1");
    assertThat(
            server
                .admin
                .post("/api/v1/resources", resource("prod", "http://api:6443"))
                .expectError(400, "invalid_argument")
                .message())
        .startsWith("url: 'http://api:6443'");
    assertThat(
            server
                .admin
                .post("/api/v1/resources", resource("Prod!", "https://api:6443"))
                .expectError(400, "invalid_argument")
                .message())
        .startsWith("name: 'Prod!'");
    Map<String, Object> badCa = resource("prod", "https://api:6443");
    badCa.put("caCert", "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----");
    assertThat(
            server
                .admin
                .post("/api/v1/resources", badCa)
                .expectError(400, "invalid_argument")
                .message())
        .startsWith("caCert:");
    Map<String, Object> noGateway = resource("prod", "https://api:6443");
    noGateway.put("gateway", "nowhere");
    assertThat(
            server
                .admin
                .post("/api/v1/resources", noGateway)
                .expectError(400, "invalid_argument")
                .message())
        .startsWith("gateway: 'nowhere'");
    server.admin.post("/api/v1/resources", resource("prod", "https://api:6443")).expect(201);
    server
        .admin
        .post("/api/v1/resources", resource("prod", "https://api:6443"))
        .expectError(409, "already_exists");
  }

  @Test
  void deletingAResourceEndsItsActiveSessionsAndKeepsTheirHistory() {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    String session = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    server.admin.delete("/api/v1/resources/prod").expect(204);
    var ended = server.admin.get("/api/v1/sessions/" + session).json();
    assertThat(ended.get("resource").asText()).isEqualTo("prod");
    assertThat(ended.get("status").asText()).isEqualTo("TERMINATED");
  }
}
