package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which relays the server tells gateways and clients about. */
class AnnouncedRelaysTest {
  @TempDir Path dir;

  @Test
  void configuredRelayAddressesReplaceTheEmbeddedRelaysAddress() {
    try (TestServer server =
        TestServer.start(
            Backend.SQLITE,
            config ->
                config
                    .embeddedRelay(false)
                    .relayAddresses(List.of("relay-a.example.com:7443", "[fd00::7]:7443")))) {
      var enrolled =
          server
              .anonymous
              .post(
                  "/api/v1/gateway/enroll",
                  Map.of(
                      "enrollToken",
                      server
                          .admin
                          .post("/api/v1/gateways", Map.of("name", "dc1"))
                          .expect(201)
                          .json()
                          .get("enrollToken")
                          .asText(),
                      "csr",
                      Fixtures.csr()))
              .expect(200)
              .json();
      Fixtures.resourceWithAccountOn(server, "prod", "dc1");
      var session =
          server
              .admin
              .post(
                  "/api/v1/sessions",
                  Map.of("resource", "prod", "account", "admin", "csr", Fixtures.csr()))
              .expect(201)
              .json();

      assertThat(enrolled.get("relayAddresses").toString())
          .isEqualTo("[\"relay-a.example.com:7443\",\"[fd00::7]:7443\"]");
      assertThat(session.get("relayAddress").asText()).isEqualTo("relay-a.example.com:7443");
      assertThat(session.get("relayAddresses").toString())
          .isEqualTo("[\"relay-a.example.com:7443\",\"[fd00::7]:7443\"]");
      assertThat(server.server.relayAddresses())
          .containsExactly("relay-a.example.com:7443", "[fd00::7]:7443");
    }
  }

  @Test
  void withoutTheEmbeddedRelayAtLeastOneRelayMustBeNamed() {
    ServerConfig.Builder config = ServerConfig.builder().dataDir(dir).embeddedRelay(false);

    assertThatThrownBy(config::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("relayAddresses: none (expected: at least one HOST:PORT");
    assertThatThrownBy(() -> config.relayAddresses(List.of("relay.example.com")).build())
        .hasMessage(
            "relayAddresses: 'relay.example.com' (expected: HOST:PORT, e.g."
                + " relay.example.com:7443)");
  }
}
