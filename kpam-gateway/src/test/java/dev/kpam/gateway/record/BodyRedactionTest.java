package dev.kpam.gateway.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BodyRedactionTest {
  private static final String JSON = "application/json";
  private static final String YAML = "application/yaml";

  private static String redact(String body, String type, String resource) {
    return BodyRedaction.redact(body.getBytes(StandardCharsets.UTF_8), false, type, resource);
  }

  @Test
  void aJsonSecretKeepsItsKeysButNotItsValues() {
    String body =
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},"
            + "\"data\":{\"password\":\"c2VjcmV0\"},\"stringData\":{\"user\":\"root\"}}";

    String recorded = redact(body, JSON, "secrets");

    assertThat(recorded)
        .contains("\"password\":\"<redacted>\"", "\"user\":\"<redacted>\"", "\"name\":\"db\"")
        .doesNotContain("c2VjcmV0", "root");
  }

  @Test
  void theObjectKubectlApplyKeepsInAnAnnotationIsRedactedToo() {
    String applied =
        "{\\\"apiVersion\\\":\\\"v1\\\",\\\"kind\\\":\\\"Secret\\\","
            + "\\\"stringData\\\":{\\\"token\\\":\\\"applied-value\\\"}}";
    String body =
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\","
            + "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\""
            + applied
            + "\"}},\"stringData\":{\"token\":\"applied-value\"}}";

    String recorded = redact(body, JSON, "secrets");

    assertThat(recorded).contains("last-applied-configuration").doesNotContain("applied-value");
  }

  @Test
  void aYamlSecretIsRedactedByStructure() {
    String body =
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2\n";

    String recorded = redact(body, YAML, "secrets");

    assertThat(recorded)
        .contains("password: \"<redacted>\"", "name: \"db\"")
        .doesNotContain("hunter2");
  }

  @Test
  void everySecretOfAMultiDocumentYamlIsRedactedAndTheRestKept() {
    String body =
        "kind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  mode: fast\n---\n"
            + "kind: Secret\nmetadata:\n  name: s1\ndata:\n  token: dG9rZW4=\n---\n"
            + "kind: Secret\nmetadata:\n  name: s2\nstringData:\n  key: plain-key\n";

    String recorded = redact(body, "application/apply-patch+yaml", null);

    assertThat(recorded)
        .contains("mode: \"fast\"", "token: \"<redacted>\"", "key: \"<redacted>\"", "---")
        .doesNotContain("dG9rZW4=", "plain-key");
  }

  @Test
  void secretsInsideAListAreRedacted() {
    String body =
        "{\"kind\":\"List\",\"items\":[{\"kind\":\"Secret\",\"data\":{\"a\":\"QUFB\"}},"
            + "{\"kind\":\"ConfigMap\",\"data\":{\"b\":\"visible\"}}]}";

    String recorded = redact(body, JSON, null);

    assertThat(recorded)
        .contains("\"a\":\"<redacted>\"", "\"b\":\"visible\"")
        .doesNotContain("QUFB");
  }

  @Test
  void aSecretCutByTheCapIsReplacedWhole() {
    byte[] full =
        ("{\"kind\":\"Secret\",\"data\":{\"k\":\"" + "A".repeat(100_000) + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] kept = Arrays.copyOf(full, RequestRecord.BODY_CAP);

    assertThat(BodyRedaction.redact(kept, true, JSON, null))
        .isEqualTo("<redacted: truncated Secret>");
  }

  @Test
  void aTruncatedConfigMapIsKeptAsText() {
    String body = "{\"kind\":\"ConfigMap\",\"data\":{\"k\":\"vvvv";

    assertThat(
            BodyRedaction.redact(body.getBytes(StandardCharsets.UTF_8), true, JSON, "configmaps"))
        .isEqualTo(body);
  }

  @Test
  void aMergePatchOfASecretIsRedactedAlthoughItHasNoKind() {
    String body = "{\"data\":{\"password\":\"bmV3\"},\"metadata\":{\"labels\":{\"x\":\"y\"}}}";

    String recorded = redact(body, "application/merge-patch+json", "secrets");

    assertThat(recorded)
        .contains("\"password\":\"<redacted>\"", "\"x\":\"y\"")
        .doesNotContain("bmV3");
  }

  @Test
  void aJsonPatchOfASecretLosesItsValues() {
    String body = "[{\"op\":\"replace\",\"path\":\"/data/password\",\"value\":\"bmV3\"}]";

    String recorded = redact(body, "application/json-patch+json", "secrets");

    assertThat(recorded).contains("/data/password", "<redacted>").doesNotContain("bmV3");
  }

  @Test
  void aConfigMapIsKeptAsItIs() {
    String body = "{\"kind\":\"ConfigMap\",\"data\":{\"mode\":\"fast\"}}";

    assertThat(redact(body, JSON, "configmaps")).isEqualTo(body);
  }

  @Test
  void protobufAndOtherTypesAreNotKept() {
    assertThat(redact("k8s\0binary", "application/vnd.kubernetes.protobuf", "secrets")).isNull();
    assertThat(redact("a=b", "application/x-www-form-urlencoded", null)).isNull();
    assertThat(redact("{}", null, null)).isNull();
  }
}
