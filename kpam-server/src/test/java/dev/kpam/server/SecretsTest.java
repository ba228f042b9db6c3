package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The stored service-account token leaves the server only in the gateway's session lookup. */
@ParameterizedClass
@EnumSource(Backend.class)
class SecretsTest extends ServerTestBase {
  private static final String SECOND_TOKEN = "second-sa-token-value-that-must-never-leak";
  @RegisterExtension final CapturedLogs logs = new CapturedLogs();
  private final List<String> responses = new ArrayList<>();

  SecretsTest(Backend backend) {
    super(backend);
  }

  private Api.Response seen(Api.Response response) {
    responses.add(response.body());
    return response;
  }

  @Test
  void theStoredTokenNeverAppearsInAnyResponseLogLineOrTheDatabase() throws Exception {
    Fixtures.enrolledGateway(server, "dc1");
    Api admin = server.admin;
    seen(
        admin
            .post(
                "/api/v1/resources",
                Map.of("name", "prod", "url", "https://10.1.1.1:6443", "gateway", "dc1"))
            .expect(201));
    seen(
        admin
            .post(
                "/api/v1/resources/prod/accounts",
                Map.of("name", "admin", "token", Fixtures.SA_TOKEN, "description", "cluster admin"))
            .expect(201));
    seen(
        admin
            .post(
                "/api/v1/resources/prod/accounts",
                Map.of("name", "admin", "token", Fixtures.SA_TOKEN))
            .expect(409));
    seen(
        admin
            .post(
                "/api/v1/resources/prod/accounts",
                Map.of("name", "bad name", "token", Fixtures.SA_TOKEN))
            .expect(400));
    seen(
        admin
            .post(
                "/api/v1/resources/prod/accounts",
                Map.of("name", "x", "token", Fixtures.SA_TOKEN + " with spaces"))
            .expect(400));
    seen(
        admin
            .post(
                "/api/v1/resources/prod/accounts",
                Map.of("name", "y", "token", 42, "extra", Fixtures.SA_TOKEN))
            .expect(400));
    seen(
        admin
            .patch("/api/v1/resources/prod/accounts/admin", Map.of("description", "kept token"))
            .expect(200));
    seen(admin.get("/api/v1/resources/prod/accounts/admin").expect(200));
    seen(admin.get("/api/v1/resources/prod/accounts").expect(200));
    seen(admin.get("/api/v1/accounts").expect(200));
    seen(admin.get("/api/v1/resources").expect(200));
    String session = Fixtures.openSession(admin, "prod", "admin", "1h");
    seen(admin.get("/api/v1/sessions/" + session).expect(200));
    seen(admin.get("/api/v1/sessions").expect(200));
    seen(admin.get("/api/v1/audit?limit=1000").expect(200));
    seen(
        admin
            .patch("/api/v1/resources/prod/accounts/admin", Map.of("token", SECOND_TOKEN))
            .expect(200));
    seen(admin.get("/api/v1/audit?limit=1000").expect(200));

    for (String body : responses) {
      assertThat(body).doesNotContain(Fixtures.SA_TOKEN).doesNotContain(SECOND_TOKEN);
    }
    logs.assertNoneContains(Fixtures.SA_TOKEN, SECOND_TOKEN);
    for (String stored : StoredText.of(server)) {
      assertThat(stored).doesNotContain(Fixtures.SA_TOKEN).doesNotContain(SECOND_TOKEN);
    }
  }

  @Test
  void anUpdateWithoutATokenKeepsTheStoredOne() {
    Fixtures.Enrolled dc1 = Fixtures.resourceWithAccount(server, "prod", "dc1");
    server
        .admin
        .patch(
            "/api/v1/resources/prod/accounts/admin",
            Map.of("description", "new words", "maxSessionDuration", "4h"))
        .expect(200);
    String session = Fixtures.openSession(server.admin, "prod", "admin", "1h");
    assertThat(dc1.api().get("/api/v1/gateway/sessions/" + session).json().get("token").asText())
        .isEqualTo(Fixtures.SA_TOKEN);
    server
        .admin
        .patch("/api/v1/resources/prod/accounts/admin", Map.of("token", SECOND_TOKEN))
        .expect(200);
    assertThat(dc1.api().get("/api/v1/gateway/sessions/" + session).json().get("token").asText())
        .isEqualTo(SECOND_TOKEN);
  }
}
