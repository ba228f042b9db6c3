package dev.kpam.cli.kubeconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class KubeconfigsTest {
  public static final String USERS_FILE =
      """
      apiVersion: v1
      clusters:
      - cluster:
          certificate-authority-data: AAAA
          server: https://prod.example.com:6443
          extensions:
          - name: client.authentication.k8s.io/exec
        name: prod
      contexts:
      - context:
          cluster: prod
          namespace: web
          user: alice
        name: prod
      current-context: prod
      kind: Config
      preferences: {}
      users:
      - name: alice
        user:
          token: secret
      """;

  static final KubeconfigEntry ENTRY =
      new KubeconfigEntry(
          "kpam/prod/admin",
          "https://127.0.0.1:40123",
          "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
          "local-token");

  @TempDir Path home;

  @Test
  void installAddsTheEntriesSwitchesTheContextAndRestoreGivesBackTheExactBytes()
      throws IOException {
    Path file = write(home.resolve(".kube/config"), USERS_FILE);

    KubeconfigChange change = Kubeconfigs.install(file, ENTRY);

    String installed = Files.readString(file);
    assertThat(installed)
        .contains("current-context: kpam/prod/admin")
        .contains("server: https://127.0.0.1:40123")
        .contains("token: local-token")
        .contains("namespace: web")
        .contains("client.authentication.k8s.io/exec");
    assertThat(installed.indexOf("name: prod")).isLessThan(installed.indexOf("kpam/prod/admin"));
    assertThat(change.previousContext()).isEqualTo("prod");

    Kubeconfigs.restore(change);

    assertThat(Files.readString(file)).isEqualTo(USERS_FILE);
  }

  @Test
  void restoreKeepsWhatSomeoneElseChangedMeanwhile() throws IOException {
    Path file = write(home.resolve("config"), USERS_FILE);
    KubeconfigChange change = Kubeconfigs.install(file, ENTRY);
    Files.writeString(
        file,
        Files.readString(file)
            .replace("namespace: web", "namespace: shop")
            .replace("current-context: kpam/prod/admin", "current-context: prod"),
        StandardCharsets.UTF_8);

    Kubeconfigs.restore(change);

    String restored = Files.readString(file);
    assertThat(restored).contains("namespace: shop").doesNotContain("kpam/prod/admin");
    assertThat(restored).contains("current-context: prod");
  }

  @Test
  void restorePutsBackThePreviousContextWhenOursIsStillCurrentAfterAnEdit() throws IOException {
    Path file = write(home.resolve("config"), USERS_FILE);
    KubeconfigChange change = Kubeconfigs.install(file, ENTRY);
    Files.writeString(file, Files.readString(file).replace("namespace: web", "namespace: shop"));

    Kubeconfigs.restore(change);

    assertThat(Files.readString(file))
        .contains("current-context: prod")
        .contains("namespace: shop")
        .doesNotContain("kpam/");
  }

  @Test
  void aFileThatDidNotExistIsCreatedAndDeletedAgain() {
    Path file = home.resolve(".kube/config");

    KubeconfigChange change = Kubeconfigs.install(file, ENTRY);
    assertThat(file).exists();
    assertThat(change.createdFile()).isTrue();

    Kubeconfigs.restore(change);
    assertThat(file).doesNotExist();
  }

  @Test
  void aCreatedFileThatOthersAddedToIsKeptWithoutOurEntries() throws IOException {
    Path file = home.resolve(".kube/config");
    KubeconfigChange change = Kubeconfigs.install(file, ENTRY);
    Files.writeString(
        file,
        Files.readString(file).replace("users:", "users:\n- name: bob\n  user:\n    token: b"));

    Kubeconfigs.restore(change);

    assertThat(Files.readString(file)).contains("name: bob").doesNotContain("kpam/");
  }

  @Test
  void theDefaultFileIsTheFirstOfKubeconfigElseTheOneInHome() {
    Path first = home.resolve("first");
    Path second = home.resolve("second");
    assertThat(Kubeconfigs.defaultFile(Map.of("KUBECONFIG", first + ":" + second, "HOME", "/x")))
        .isEqualTo(first);
    assertThat(Kubeconfigs.defaultFile(Map.of("HOME", home.toString())))
        .isEqualTo(home.resolve(".kube/config"));
  }

  @Test
  void withTwoFilesInKubeconfigOnlyTheFirstIsTouched() throws IOException {
    Path first = write(home.resolve("first"), USERS_FILE);
    Path second = write(home.resolve("second"), USERS_FILE.replace("alice", "carol"));

    KubeconfigChange change =
        Kubeconfigs.install(
            Kubeconfigs.defaultFile(Map.of("KUBECONFIG", first + ":" + second)), ENTRY);

    assertThat(Files.readString(first)).contains("kpam/prod/admin");
    assertThat(Files.readString(second)).isEqualTo(USERS_FILE.replace("alice", "carol"));
    Kubeconfigs.restore(change);
    assertThat(Files.readString(first)).isEqualTo(USERS_FILE);
  }

  @Test
  void removeByNameUndoesAnInstallWhoseChangeWasLost() throws IOException {
    Path file = write(home.resolve("config"), USERS_FILE);
    Kubeconfigs.install(file, ENTRY);

    Kubeconfigs.remove(file, ENTRY.name(), "prod", false);

    assertThat(Files.readString(file))
        .doesNotContain("kpam/")
        .contains("current-context: prod")
        .contains("token: secret");
  }

  @Test
  void aStandaloneKubeconfigHoldsOnlyTheEntry() throws IOException {
    Path file = home.resolve("kpam.yaml");

    Kubeconfigs.writeStandalone(file, ENTRY);

    assertThat(Files.readString(file))
        .contains("current-context: kpam/prod/admin")
        .contains("certificate-authority-data: ")
        .doesNotContain("---");
  }

  @Test
  void theTokenIsNotInTheEntrysToString() {
    assertThat(ENTRY.toString()).doesNotContain("local-token");
  }

  private static Path write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }
}
