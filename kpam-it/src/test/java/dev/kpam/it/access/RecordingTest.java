package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kpam.cli.access.AccessSession;
import dev.kpam.testing.kube.Kubectl;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the server knows of a session after the real kubectl ran through the whole path: its
 * commands, its exec recordings, and never a secret (docs/RECORDING.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private KpamWorld world;

  @BeforeAll
  void start() {
    world = KpamWorld.start(dir);
  }

  @AfterAll
  void stop() {
    if (world != null) world.close();
  }

  @Test
  void aSessionsCommandsAreTheKubectlCommandsItRanInOrder() throws Exception {
    Path kubeconfig = dir.resolve("commands-kubeconfig");
    AccessSession access = world.access("1h", kubeconfig);
    try {
      Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
      Path manifest = dir.resolve("recorded-cm.yaml");
      Files.writeString(
          manifest,
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: recorded-cm\n"
              + "  namespace: default\ndata:\n  colour: blue\n");
      succeed(kubectl.run("get", "pods", "-n", "default"));
      succeed(kubectl.run("apply", "-f", manifest.toString()));
      succeed(kubectl.run("delete", "configmap", "recorded-cm", "-n", "default"));
      succeed(kubectl.run("exec", "web", "--", "echo", "hello"));
      succeed(kubectl.run("logs", "web"));

      List<JsonNode> commands = awaitCommands(access.sessionId(), 5);
      assertThat(commands).hasSize(5);
      assertThat(line(commands, 0)).contains("kubectl get").contains("pods").contains("default");
      assertThat(line(commands, 1)).contains("kubectl apply").contains("recorded-cm");
      assertThat(line(commands, 2))
          .contains("kubectl delete")
          .contains("recorded-cm")
          .contains("default");
      assertThat(line(commands, 3)).contains("kubectl exec").contains("web").contains("echo");
      assertThat(line(commands, 4)).contains("kubectl logs").contains("web");
      for (JsonNode command : commands) {
        assertThat(command.get("status").asInt()).as(command.toString()).isLessThan(400);
      }
    } finally {
      access.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "spdy"})
  void anExecRecordingHoldsExactlyWhatKubectlPrinted(String transport) throws Exception {
    Path kubeconfig = dir.resolve("exec-kubeconfig-" + transport);
    AccessSession access = world.access("1h", kubeconfig);
    try {
      Kubectl kubectl =
          world
              .kubectl(Kubectl.V1_33, kubeconfig)
              .env(
                  "KUBECTL_REMOTE_COMMAND_WEBSOCKETS",
                  String.valueOf(transport.equals("websocket")));
      byte[] input = "zeile eins – ünïcödé ✓\nline two\n".getBytes(StandardCharsets.UTF_8);
      Kubectl.Result exec = kubectl.run(input, "exec", "-i", "web", "--", "cat");
      succeed(exec);
      assertThat(exec.stdout()).isEqualTo(new String(input, StandardCharsets.UTF_8));

      JsonNode recording = awaitRecordings(access.sessionId(), 1).get(0);
      List<JsonNode> cast = cast(access.sessionId(), recording.get("id").asText());
      JsonNode header = cast.get(0);
      assertThat(header.get("version").asInt()).isEqualTo(2);
      assertThat(header.get("kubernetes").get("pod").asText()).isEqualTo("web");
      assertThat(header.get("kubernetes").get("namespace").asText()).isEqualTo("default");
      StringBuilder output = new StringBuilder();
      List<String> inputs = new ArrayList<>();
      for (JsonNode event : cast.subList(1, cast.size())) {
        switch (event.get(1).asText()) {
          case "o" -> output.append(event.get(2).asText());
          case "i" -> inputs.add(event.get(2).asText());
          default -> {}
        }
      }
      assertThat(output.toString()).isEqualTo(exec.stdout());
      assertThat(inputs).as("stdin is not recorded unless the account asks for it").isEmpty();
    } finally {
      access.close();
    }
  }

  @Test
  void secretValuesAndTheInjectedTokenAreNeverStored() throws Exception {
    Path kubeconfig = dir.resolve("secret-kubeconfig");
    AccessSession access = world.access("1h", kubeconfig);
    String literal = "literal-secret-value-5b1e";
    String applied = "applied-secret-value-77c0";
    try {
      Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
      succeed(
          kubectl.run(
              "create", "secret", "generic", "from-literal", "--from-literal=password=" + literal));
      Path manifest = dir.resolve("secret.yaml");
      Files.writeString(
          manifest,
          "apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied\n  namespace: default\n"
              + "stringData:\n  token: "
              + applied
              + "\n");
      succeed(kubectl.run("apply", "-f", manifest.toString()));
      succeed(kubectl.run("get", "secret", "applied", "-o", "yaml"));
      awaitCommands(access.sessionId(), 3);
      String localToken = OpenAccess.localToken(kubeconfig);

      List<String> forbidden =
          List.of(
              literal,
              base64(literal),
              applied,
              base64(applied),
              KpamWorld.STORED_TOKEN,
              localToken);
      for (Path file : filesUnder(dir.resolve("server"), dir.resolve("gateway"))) {
        String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        for (String secret : forbidden) {
          assertThat(content).as("%s must not hold a secret", file).doesNotContain(secret);
        }
      }
      String events =
          world.call("GET", eventsPath(access.sessionId()), world.adminToken, null).toString();
      for (String secret : forbidden) {
        assertThat(events).doesNotContain(secret);
      }
    } finally {
      access.close();
    }
  }

  @Test
  void tenThousandRequestsInOneSessionAreAllRecorded() throws Exception {
    Path kubeconfig = dir.resolve("many-kubeconfig");
    AccessSession access = world.access("1h", kubeconfig);
    try {
      LocalProxyClient client = LocalProxyClient.of(kubeconfig);
      URI pod = client.base().resolve("/api/v1/namespaces/default/pods/web");
      for (int i = 0; i < 10_000; i++) {
        assertThat(client.get(pod)).isEqualTo(200);
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> summary(access.sessionId()).get("requests").asLong() >= 10_000);
      assertThat(summary(access.sessionId()).get("requests").asLong()).isEqualTo(10_000);
    } finally {
      access.close();
    }
  }

  private JsonNode summary(String sessionId) {
    return world
        .call("GET", "/api/v1/sessions/" + sessionId, world.adminToken, null)
        .get("summary");
  }

  private List<JsonNode> awaitCommands(String sessionId, int count) {
    return world.awaitSettledCommands(sessionId, count - 1);
  }

  private List<JsonNode> awaitRecordings(String sessionId, int count) {
    List<JsonNode> recordings = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              recordings.clear();
              world
                  .call(
                      "GET",
                      "/api/v1/sessions/" + sessionId + "/recordings",
                      world.adminToken,
                      null)
                  .get("items")
                  .forEach(recordings::add);
              return recordings.size() >= count;
            });
    return recordings;
  }

  /** The asciicast v2 recording, one JSON value per line (header first). */
  private List<JsonNode> cast(String sessionId, String recordingId) throws Exception {
    HttpResponse<String> response =
        world.http.send(
            HttpRequest.newBuilder(
                    world
                        .serverUrl()
                        .resolve("/api/v1/sessions/" + sessionId + "/recordings/" + recordingId))
                .header("Authorization", "Bearer " + world.adminToken)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : response.body().split("\n")) {
      if (!line.isBlank()) lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static String eventsPath(String sessionId) {
    return "/api/v1/sessions/" + sessionId + "/events?limit=1000";
  }

  private static String line(List<JsonNode> commands, int index) {
    return commands.get(index).get("line").asText();
  }

  private static void succeed(Kubectl.Result result) {
    assertThat(result.exitCode()).as(result.stderr()).isZero();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<Path> filesUnder(Path... roots) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path root : roots) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(Files::isRegularFile).forEach(files::add);
      }
    }
    return files;
  }

  /** Plain HTTP requests through the local proxy, as kubectl makes them (its token, its CA). */
  private record LocalProxyClient(URI base, String token, HttpClient http) {
    static LocalProxyClient of(Path kubeconfig) throws Exception {
      KubeconfigEntry proxy = KubeconfigEntry.read(kubeconfig);
      return new LocalProxyClient(proxy.server(), proxy.token(), proxy.httpClient());
    }

    int get(URI uri) throws Exception {
      return http.send(
              HttpRequest.newBuilder(uri)
                  .header("Authorization", "Bearer " + token)
                  .header("Accept", "application/json")
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }
}
