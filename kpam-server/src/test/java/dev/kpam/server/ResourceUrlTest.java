package dev.kpam.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** A resource's URL is an https origin (and path) the gateway can dial, nothing else. */
@ParameterizedClass
@EnumSource(Backend.class)
class ResourceUrlTest extends ServerTestBase {
  ResourceUrlTest(Backend backend) {
    super(backend);
  }

  @BeforeEach
  void gateway() {
    Fixtures.enrolledGateway(server, "dc1");
  }

  private String refusal(String url) {
    return server
        .admin
        .post("/api/v1/resources", Map.of("name", "prod", "url", url, "gateway", "dc1"))
        .expectError(400, "invalid_argument")
        .message();
  }

  @Test
  void onlyHttpsIsAccepted() {
    assertThat(refusal("http://api:6443")).startsWith("url: 'http://api:6443'").contains("https");
    assertThat(refusal("ftp://api")).startsWith("url: 'ftp://api'");
    assertThat(refusal("api.internal:6443")).startsWith("url: ");
  }

  @Test
  void aHostIsRequired() {
    assertThat(refusal("https:///path")).startsWith("url: ").contains("with a host");
    assertThat(refusal("https:api")).startsWith("url: ").contains("with a host");
  }

  @Test
  void thePortIsBetween1And65535() {
    assertThat(refusal("https://api:0")).contains("a port between 1 and 65535");
    assertThat(refusal("https://api:65536")).contains("a port between 1 and 65535");
    assertThat(refusal("https://api:")).contains("a port between 1 and 65535");
    // Too large for an int: java.net.URI reads no host at all.
    assertThat(refusal("https://api:99999999999")).startsWith("url: ");
    server
        .admin
        .post(
            "/api/v1/resources",
            Map.of("name", "prod", "url", "https://api:65535", "gateway", "dc1"))
        .expect(201);
  }

  @Test
  void userInfoIsRefusedAndNotEchoed() {
    String message = refusal("https://alice:s3cret@api:6443");
    assertThat(message).startsWith("url: ").contains("without user info");
    assertThat(message).doesNotContain("s3cret").doesNotContain("alice");
  }

  @Test
  void queryAndFragmentAreRefused() {
    assertThat(refusal("https://api:6443/?watch=1")).contains("without query or fragment");
    assertThat(refusal("https://api:6443/#top")).contains("without query or fragment");
  }

  @Test
  void anUpdateIsCheckedTheSameWay() {
    assertThat(
            server
                .admin
                .post(
                    "/api/v1/resources",
                    Map.of("name", "prod", "url", "https://api:6443/k8s/", "gateway", "dc1"))
                .expect(201)
                .json()
                .get("url")
                .asText())
        .isEqualTo("https://api:6443/k8s");
    assertThat(
            server
                .admin
                .patch("/api/v1/resources/prod", Map.of("url", "https://api:70000"))
                .expectError(400, "invalid_argument")
                .message())
        .startsWith("url: 'https://api:70000'");
  }

  @Test
  void aUrlThatIsNoUriIsRefused() {
    assertThat(refusal("https://api:6443/a b")).startsWith("url: ").contains("valid https://");
  }
}
