package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations too large for any clock are bad input naming their field, never a 500. */
@ParameterizedClass
@EnumSource(Backend.class)
class DurationOverflowTest extends ServerTestBase {
  DurationOverflowTest(Backend backend) {
    super(backend);
  }

  @ParameterizedTest
  @ValueSource(strings = {"9223372036854775807h", "99999999999999999999s", "153722867280912931m"})
  void anOverflowingSessionDurationIsRefusedNamingTheField(String duration) {
    Fixtures.resourceWithAccount(server, "prod", "dc1");
    String message =
        server
            .admin
            .post(
                "/api/v1/sessions",
                Map.of(
                    "resource",
                    "prod",
                    "account",
                    "admin",
                    "duration",
                    duration,
                    "csr",
                    Fixtures.csr()))
            .expectError(400, "invalid_argument")
            .message();
    assertThat(message).startsWith("duration: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"9223372036854775807h", "99999999999999999999s"})
  void anOverflowingMaximumSessionIsRefusedNamingTheField(String duration) {
    Fixtures.enrolledGateway(server, "dc1");
    Fixtures.resourceOn(server, "prod", "dc1");
    String created =
        server
            .admin
            .post(
                "/api/v1/resources/prod/accounts",
                Map.of("name", "admin", "token", Fixtures.SA_TOKEN, "maxSessionDuration", duration))
            .expectError(400, "invalid_argument")
            .message();
    assertThat(created).startsWith("maxSessionDuration: ");
    server
        .admin
        .post(
            "/api/v1/resources/prod/accounts",
            Map.of("name", "admin", "token", Fixtures.SA_TOKEN, "maxSessionDuration", "2h"))
        .expect(201);
    String updated =
        server
            .admin
            .patch("/api/v1/resources/prod/accounts/admin", Map.of("maxSessionDuration", duration))
            .expectError(400, "invalid_argument")
            .message();
    assertThat(updated).startsWith("maxSessionDuration: ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"9223372036854775807h", "99999999999999999999s"})
  void anOverflowingTokenLifetimeIsRefusedNamingTheField(String ttl) {
    String message =
        server
            .admin
            .post("/api/v1/tokens", Map.of("name", "ci", "ttl", ttl))
            .expectError(400, "invalid_argument")
            .message();
    assertThat(message).startsWith("ttl: ");
  }
}
