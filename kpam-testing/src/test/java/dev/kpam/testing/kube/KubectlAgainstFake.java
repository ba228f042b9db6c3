package dev.kpam.testing.kube;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh {@link FakeKubeApiServer} per test and a kubeconfig that kubectl uses to reach it. */
abstract class KubectlAgainstFake {
  static final String TOKEN = "secret-token";

  @TempDir Path dir;
  FakeKubeApiServer kube;
  Path kubeconfig;

  @BeforeEach
  void startFake() {
    kube = FakeKubeApiServer.start(TOKEN);
    kubeconfig = dir.resolve("kubeconfig");
    kube.writeKubeconfig(kubeconfig, TOKEN);
  }

  @AfterEach
  void stopFake() {
    kube.close();
  }

  Kubectl kubectl(String binary) {
    return new Kubectl(binary, kubeconfig, dir.resolve("home"));
  }
}
