package dev.kpam.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FakeKubeApiServerCrudTest extends KubectlAgainstFake {
  @ParameterizedTest
  @ValueSource(strings = {Kubectl.DISPATCHER, Kubectl.V1_27, Kubectl.V1_33})
  void kubectlGetPodsPrintsTheSeededPodAsATable(String binary) {
    kube.addPod("default", "web-1");

    Kubectl.Result result = kubectl(binary).run("get", "pods");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout())
        .contains("NAME", "READY", "STATUS", "AGE")
        .containsPattern("web-1\\s+1/1\\s+Running");
    // kubectl offers h2 in ALPN and a real API server takes it: every request here was a stream.
    assertThat(kube.requests())
        .isNotEmpty()
        .allSatisfy(request -> assertThat(request.protocol()).isEqualTo(RecordedRequest.HTTP_2));
  }

  @ParameterizedTest
  @ValueSource(strings = {Kubectl.DISPATCHER, Kubectl.V1_27, Kubectl.V1_33})
  void aWrongTokenGivesKubectlsUnauthorizedError(String binary) {
    kube.writeKubeconfig(kubeconfig, "wrong-token");

    Kubectl.Result result = kubectl(binary).run("get", "pods");

    assertThat(result.exitCode()).isNotZero();
    // What kubectl prints for the real server's 401 during discovery.
    assertThat(result.stderr()).contains("You must be logged in to the server");
    assertThat(kube.requests())
        .isNotEmpty()
        .allSatisfy(
            request -> assertThat(request.header("authorization")).isEqualTo("Bearer wrong-token"));
  }

  @ParameterizedTest
  @ValueSource(strings = {Kubectl.V1_27, Kubectl.V1_33})
  void createGetAndDeleteAConfigMap(String binary) {
    Kubectl kubectl = kubectl(binary);

    Kubectl.Result created =
        kubectl.run("create", "configmap", "settings", "--from-literal=color=blue");
    assertThat(created.exitCode()).as(created.stderr()).isZero();
    assertThat(created.stdout()).contains("configmap/settings created");

    Kubectl.Result table = kubectl.run("get", "configmaps");
    assertThat(table.stdout()).contains("DATA").containsPattern("settings\\s+1\\s+\\d+s");

    Kubectl.Result value =
        kubectl.run("get", "configmap", "settings", "-o", "jsonpath={.data.color}");
    assertThat(value.stdout()).isEqualTo("blue");

    Kubectl.Result duplicate =
        kubectl.run("create", "configmap", "settings", "--from-literal=color=red");
    assertThat(duplicate.exitCode()).isNotZero();
    assertThat(duplicate.stderr()).contains("configmaps \"settings\" already exists");

    Kubectl.Result deleted = kubectl.run("delete", "configmap", "settings");
    assertThat(deleted.exitCode()).as(deleted.stderr()).isZero();
    assertThat(deleted.stdout()).contains("configmap \"settings\" deleted");

    Kubectl.Result missing = kubectl.run("get", "configmap", "settings");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.stderr()).contains("configmaps \"settings\" not found");
  }

  @ParameterizedTest
  @ValueSource(strings = {Kubectl.V1_27, Kubectl.V1_33})
  void applyCreatesThenPatchesADeployment(String binary) throws Exception {
    Kubectl kubectl = kubectl(binary);
    Path manifest = dir.resolve("deployment.yaml");
    Files.writeString(manifest, deployment(1));

    Kubectl.Result created = kubectl.run("apply", "-f", manifest.toString());
    assertThat(created.exitCode()).as(created.stderr()).isZero();
    assertThat(created.stdout()).contains("deployment.apps/web created");

    Files.writeString(manifest, deployment(3));
    Kubectl.Result configured = kubectl.run("apply", "-f", manifest.toString());
    assertThat(configured.exitCode()).as(configured.stderr()).isZero();
    assertThat(configured.stdout()).contains("deployment.apps/web configured");
    assertThat(kube.object("apps", "v1", "deployments", "default", "web"))
        .get()
        .asString()
        .contains("\"replicas\":3");
    assertThat(kube.requests())
        .anySatisfy(
            request -> {
              assertThat(request.method()).isEqualTo("PATCH");
              assertThat(request.header("content-type"))
                  .isEqualTo("application/strategic-merge-patch+json");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {Kubectl.V1_27, Kubectl.V1_33})
  void scaleChangesADeploymentsReplicasThroughItsScale(String binary) throws Exception {
    Kubectl kubectl = kubectl(binary);
    Path manifest = dir.resolve("deployment.yaml");
    Files.writeString(manifest, deployment(1));
    assertThat(kubectl.run("apply", "-f", manifest.toString()).exitCode()).isZero();

    Kubectl.Result scaled = kubectl.run("scale", "deployment", "web", "--replicas=4");

    assertThat(scaled.exitCode()).as(scaled.stderr()).isZero();
    assertThat(scaled.stdout()).contains("deployment.apps/web scaled");
    assertThat(kube.object("apps", "v1", "deployments", "default", "web"))
        .get()
        .asString()
        .contains("\"replicas\":4");
    assertThat(kube.requests())
        .anySatisfy(r -> assertThat(r.path()).endsWith("/deployments/web/scale"));
  }

  /** kubectl 1.33 sends the review (and a namespace) as protobuf. */
  @ParameterizedTest
  @ValueSource(strings = {Kubectl.V1_27, Kubectl.V1_33})
  void authCanIAndCreateNamespaceAreAnswered(String binary) {
    Kubectl kubectl = kubectl(binary);

    Kubectl.Result canI = kubectl.run("auth", "can-i", "delete", "pods", "-n", "default");
    Kubectl.Result namespace = kubectl.run("create", "namespace", "made-by-kubectl");

    assertThat(canI.exitCode()).as(canI.stderr()).isZero();
    assertThat(canI.stdout()).isEqualTo("yes\n");
    assertThat(namespace.exitCode()).as(namespace.stderr()).isZero();
    assertThat(kube.object("", "v1", "namespaces", null, "made-by-kubectl")).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {Kubectl.V1_27, Kubectl.V1_33})
  void patchAndLabelChangeTheStoredObject(String binary) {
    kube.addConfigMap("default", "settings", Map.of("color", "blue"));
    Kubectl kubectl = kubectl(binary);

    Kubectl.Result merge =
        kubectl.run(
            "patch", "configmap", "settings", "--type=merge", "-p", "{\"data\":{\"size\":\"xl\"}}");
    assertThat(merge.exitCode()).as(merge.stderr()).isZero();
    Kubectl.Result json =
        kubectl.run(
            "patch",
            "configmap",
            "settings",
            "--type=json",
            "-p",
            "[{\"op\":\"remove\",\"path\":\"/data/color\"}]");
    assertThat(json.exitCode()).as(json.stderr()).isZero();
    Kubectl.Result label = kubectl.run("label", "configmap", "settings", "tier=gold");
    assertThat(label.exitCode()).as(label.stderr()).isZero();

    assertThat(kube.object("", "v1", "configmaps", "default", "settings"))
        .get()
        .asString()
        .contains("\"size\":\"xl\"", "\"tier\":\"gold\"")
        .doesNotContain("color");
    Kubectl.Result selected = kubectl.run("get", "configmaps", "-l", "tier=gold", "-o", "name");
    assertThat(selected.stdout().trim()).isEqualTo("configmap/settings");
  }

  @Test
  void serverSideApplyCreatesAndUpdates() throws Exception {
    Kubectl kubectl = kubectl(Kubectl.V1_33);
    Path manifest = dir.resolve("cm.yaml");
    Files.writeString(
        manifest, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"1\"\n");
    Kubectl.Result created = kubectl.run("apply", "--server-side", "-f", manifest.toString());
    assertThat(created.exitCode()).as(created.stderr()).isZero();
    Files.writeString(
        manifest, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: \"2\"\n");
    Kubectl.Result updated = kubectl.run("apply", "--server-side", "-f", manifest.toString());
    assertThat(updated.exitCode()).as(updated.stderr()).isZero();
    assertThat(kube.object("", "v1", "configmaps", "default", "ssa"))
        .get()
        .asString()
        .contains("\"a\":\"2\"");
  }

  @Test
  void namespacesAndSecretsListWithTheirColumns() {
    Kubectl kubectl = kubectl(Kubectl.V1_33);
    assertThat(kubectl.run("create", "secret", "generic", "pw", "--from-literal=p=x").exitCode())
        .isZero();

    assertThat(kubectl.run("get", "namespaces").stdout()).containsPattern("kube-system\\s+Active");
    assertThat(kubectl.run("get", "secrets").stdout()).containsPattern("pw\\s+Opaque\\s+1");
  }

  private static String deployment(int replicas) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: %d
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: nginx
        """
        .formatted(replicas);
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
