package dev.kpam.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FakeKubeApiServerDiscoveryTest extends KubectlAgainstFake {
  /** A first command with an empty cache: what kubectl asks depends on the server's discovery. */
  @ParameterizedTest
  @CsvSource({
    Kubectl.V1_27 + ", V1_24, 30",
    Kubectl.V1_33 + ", V1_24, 30",
    Kubectl.V1_27 + ", V1_28, 2",
    Kubectl.V1_33 + ", V1_28, 2",
    Kubectl.V1_27 + ", V1_33, 2",
    Kubectl.V1_33 + ", V1_33, 2"
  })
  void aFirstCommandDiscoversWithAsManyRequestsAsTheServersDiscoveryNeeds(
      String binary, KubeVersion version, int atLeast) {
    kube.behaveAs(version);
    kube.addPod("default", "web-1");

    Kubectl.Result result = kubectl(binary).run("get", "deployments,pods");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).containsPattern("web-1\\s+1/1\\s+Running");
    List<String> discovery =
        kube.requests().stream()
            .map(RecordedRequest::path)
            .filter(
                path -> path.equals("/api") || path.equals("/api/v1") || path.startsWith("/apis"))
            .filter(path -> !path.contains("/namespaces/"))
            .toList();
    if (version == KubeVersion.V1_24) {
      assertThat(discovery)
          .hasSizeGreaterThanOrEqualTo(atLeast)
          .contains("/api/v1", "/apis/apps/v1");
    } else {
      assertThat(discovery).containsExactlyInAnyOrder("/api", "/apis");
    }
  }

  @Test
  void versionNamesTheServerItBehavesLike() {
    kube.behaveAs(KubeVersion.V1_28);

    Kubectl.Result result = kubectl(Kubectl.V1_33).run("version", "-o", "json");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("\"gitVersion\": \"v1.28.7\"", "\"minor\": \"28\"");
  }

  @Test
  void theFirstAggregatedTypeTheClientAcceptsIsChosen() {
    String v2First =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
            + "application/json";
    assertThat(AggregatedDiscovery.negotiate(v2First, List.of("v2", "v2beta1"))).contains("v2");
    assertThat(AggregatedDiscovery.negotiate(v2First, List.of("v2beta1"))).contains("v2beta1");
    assertThat(AggregatedDiscovery.negotiate(v2First, List.of())).isEmpty();
    assertThat(AggregatedDiscovery.negotiate("application/json", List.of("v2")))
        .isEqualTo(Optional.empty());
    assertThat(
            AggregatedDiscovery.negotiate(
                "application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
                List.of("v2")))
        .isEmpty();
  }
}
