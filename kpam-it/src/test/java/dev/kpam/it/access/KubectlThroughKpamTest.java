package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.testing.kube.Kubectl;
import dev.kpam.testing.kube.RecordedRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real kubectl through the whole kpam path: local proxy, relay, gateway, API server. */
class KubectlThroughKpamTest extends OpenAccess {
  @ParameterizedTest
  @ValueSource(strings = {Kubectl.DISPATCHER, Kubectl.V1_27, Kubectl.V1_33})
  void getListsThePodsOfTheCluster(String binary) {
    Kubectl.Result result = world.kubectl(binary, kubeconfig).run("get", "pods");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("NAME").contains("web");
  }

  @Test
  void aKubeconfigWithoutTheSessionsLocalTokenIsRefusedAtTheLocalProxy() throws Exception {
    String original = java.nio.file.Files.readString(kubeconfig);
    java.util.regex.Matcher token =
        java.util.regex.Pattern.compile("token: *(\\S+)").matcher(original);
    assertThat(token.find()).isTrue();
    Path forged = dir.resolve("forged-kubeconfig");
    java.nio.file.Files.writeString(
        forged, original.replace(token.group(1), "not-the-local-token"));
    int before = world.kube.requests().size();
    Kubectl.Result result = world.kubectl(Kubectl.V1_33, forged).run("get", "pods");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).containsAnyOf("Unauthorized", "must be logged in");
    assertThat(world.kube.requests()).hasSize(before);
  }

  @Test
  void theApiServerOnlyEverSeesTheStoredToken() {
    Kubectl.Result result =
        world
            .kubectl(Kubectl.V1_33, kubeconfig)
            .run("get", "pods", "--as=system:admin", "--as-group=system:masters");
    assertThat(world.kube.requests()).isNotEmpty();
    for (RecordedRequest request : world.kube.requests()) {
      assertThat(request.header("authorization")).isEqualTo("Bearer " + KpamWorld.STORED_TOKEN);
      assertThat(request.headers().keySet()).noneMatch(name -> name.startsWith("impersonate-"));
    }
    assertThat(result.exitCode()).as(result.stderr()).isZero();
  }
}
