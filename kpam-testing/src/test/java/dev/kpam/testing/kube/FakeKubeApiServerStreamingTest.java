package dev.kpam.testing.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FakeKubeApiServerStreamingTest extends KubectlAgainstFake {
  @ParameterizedTest
  @ValueSource(strings = {Kubectl.V1_27, Kubectl.V1_33})
  void getWatchSeesAConfigMapCreatedByAnotherKubectl(String binary) throws Exception {
    kube.addConfigMap("default", "first", java.util.Map.of());
    Process watch = kubectl(binary).start("get", "configmaps", "-w");
    try {
      StringBuffer output = collect(watch.getInputStream());
      await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("first"));

      Kubectl.Result created =
          kubectl(binary).run("create", "configmap", "second", "--from-literal=a=b");
      assertThat(created.exitCode()).as(created.stderr()).isZero();

      await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("second"));
      assertThat(watch.isAlive()).isTrue();
    } finally {
      destroy(watch);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Kubectl.V1_27, Kubectl.V1_33})
  void logsFollowSeesAnAppendedLine(String binary) throws Exception {
    kube.addPod("default", "web");
    kube.appendLog("default", "web", "starting");
    assertThat(kubectl(binary).run("logs", "web").stdout()).isEqualTo("starting\n");

    Process follow = kubectl(binary).start("logs", "-f", "web");
    try {
      StringBuffer output = collect(follow.getInputStream());
      await().atMost(Duration.ofSeconds(30)).until(() -> output.toString().contains("starting"));

      kube.appendLog("default", "web", "ready to serve");

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> output.toString().contains("ready to serve"));
    } finally {
      destroy(follow);
    }
  }

  static StringBuffer collect(InputStream in) {
    StringBuffer output = new StringBuffer();
    Thread reader =
        new Thread(
            () -> {
              byte[] buffer = new byte[4096];
              try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                  output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
              } catch (IOException e) {
                // process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    return output;
  }

  static void destroy(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
