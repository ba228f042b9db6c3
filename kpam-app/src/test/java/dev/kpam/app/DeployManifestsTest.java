package dev.kpam.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kpam.cli.CliEnvironment;
import dev.kpam.cli.PasswordPrompt;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests in {@code deploy/kubernetes} run what this build makes: every kpam container's
 * command line is one {@code kpam} accepts, its probes and metrics annotation point at the port its
 * {@code --metrics-address} serves, and the Dockerfile builds and runs {@code kpam.jar} where the
 * manifests expect it. No cluster runs here; this is what can be checked without one.
 */
class DeployManifestsTest {
  private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path config;

  @Test
  void everyKpamContainerRunsACommandLineKpamAccepts() throws Exception {
    List<String> checked = new ArrayList<>();
    for (JsonNode document : documents()) {
      String kind = document.path("kind").asText();
      if (!kind.equals("Deployment") && !kind.equals("StatefulSet")) continue;
      JsonNode pod = document.path("spec").path("template");
      for (JsonNode container : pod.path("spec").path("containers")) {
        if (!container.path("image").asText().startsWith("kpam:")) continue;
        List<String> argv = kpamArguments(container);
        String name = document.path("metadata").path("name").asText();
        Main.commandLine(env(), argv.toArray(String[]::new))
            .parseArgs(argv.toArray(String[]::new)); // throws on an unknown or malformed flag

        String metrics =
            argv.stream()
                .filter(a -> a.startsWith("--metrics-address="))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " serves no metrics"));
        int port = Integer.parseInt(metrics.substring(metrics.lastIndexOf(':') + 1));
        assertThat(pod.path("metadata").path("annotations").path("prometheus.io/port").asText())
            .as(name)
            .isEqualTo(Integer.toString(port));
        assertThat(container.path("ports").findValuesAsText("containerPort"))
            .as(name)
            .contains(Integer.toString(port));
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
          assertThat(container.path(probe).path("httpGet").path("port").asText())
              .as(name + " " + probe)
              .isEqualTo("metrics");
        }
        checked.add(name);
      }
    }
    assertThat(checked).contains("kpam-server", "kpam-relay", "kpam-gateway");
  }

  @Test
  void theDockerfileBuildsTheJarTheImageRuns() throws Exception {
    String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
    assertThat(dockerfile)
        .contains("mvn ")
        .contains("-pl kpam-app -am")
        .contains("COPY --from=build /src/kpam-app/target/kpam.jar /opt/kpam/kpam.jar")
        .contains("\"-jar\", \"/opt/kpam/kpam.jar\"");
  }

  /** The arguments after {@code kpam}: the container's args, or what its shell line runs. */
  private static List<String> kpamArguments(JsonNode container) {
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));
    if (container.path("command").path(0).asText().equals("/bin/sh")) {
      String line = args.get(0);
      int jar = line.indexOf("/opt/kpam/kpam.jar ");
      assertThat(jar).as("the shell line runs the image's kpam.jar: " + line).isPositive();
      return List.of(line.substring(jar + "/opt/kpam/kpam.jar ".length()).trim().split("\\s+"));
    }
    return args;
  }

  private static List<JsonNode> documents() throws Exception {
    List<JsonNode> documents = new ArrayList<>();
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(DEPLOY.resolve("kubernetes"), "*.yaml")) {
      for (Path file : files) {
        try (MappingIterator<JsonNode> parts =
            YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
          while (parts.hasNext()) {
            documents.add(parts.next());
          }
        }
      }
    }
    return documents;
  }

  private CliEnvironment env() {
    return new CliEnvironment(
        config,
        Map.of(),
        InputStream.nullInputStream(),
        new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()),
        Clock.systemUTC(),
        PasswordPrompt.NONE);
  }
}
