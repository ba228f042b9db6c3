package dev.kpam.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./kpam} and its class-data sharing archive, on a copy of the script and of {@code
 * kpam.jar} in a directory of their own: the first run trains and writes the archive beside the
 * jar, later runs load their classes from it, a newer jar gets a new one, and an archive another
 * JVM cannot use changes nothing but speed. Standard output stays the command's alone.
 */
class ClassDataSharingTest {
  private static final Path SCRIPT = Path.of("..", "kpam").toAbsolutePath().normalize();
  private static final Path JAR =
      Path.of("..", "kpam-app", "target", "kpam.jar").toAbsolutePath().normalize();
  private static final Path JAVA_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

  @TempDir Path root;
  private Path jar;
  private Path archive;

  record Run(int exitCode, String stdout, String stderr) {}

  @BeforeEach
  void copy() throws IOException {
    Files.copy(SCRIPT, root.resolve("kpam"), StandardCopyOption.COPY_ATTRIBUTES);
    jar = Files.createDirectories(root.resolve("kpam-app/target")).resolve("kpam.jar");
    Files.copy(JAR, jar);
    archive = jar.resolveSibling("kpam.jsa");
  }

  @Test
  void theFirstRunMakesTheArchiveAndLaterRunsLoadTheirClassesFromIt() throws Exception {
    Run first = kpam(Map.of(), "--version");
    assertThat(first.exitCode()).isZero();
    assertThat(first.stdout()).isEqualTo("kpam 0.1.0-SNAPSHOT\n");
    assertThat(archive).isRegularFile();

    Path classes = root.resolve("classes.log");
    Run second =
        kpam(
            Map.of("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + classes),
            "k8s",
            "access",
            "--help");
    assertThat(second.exitCode()).isZero();
    assertThat(second.stdout()).startsWith("Usage: kpam k8s access");
    String loaded = Files.readString(classes);
    assertThat(loaded)
        .contains("dev.kpam.app.Main source: shared objects file (top)")
        .contains("dev.kpam.cli.access.AccessCommand source: shared objects file (top)");
  }

  @Test
  void aJarNewerThanTheArchiveGetsANewOne() throws Exception {
    assertThat(kpam(Map.of(), "--version").exitCode()).isZero();
    FileTime made = Files.getLastModifiedTime(archive);
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(kpam(Map.of(), "--version").exitCode()).isZero();
    assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(made);
  }

  @Test
  void anArchiveOfAnotherJavaIsIgnoredQuietly() throws Exception {
    assumeTrue(Files.isExecutable(JAVA_25.resolve("bin/java")), "no second JDK at " + JAVA_25);
    assertThat(kpam(Map.of(), "--version").exitCode()).isZero(); // made by the default Java
    Run other = kpam(Map.of("JAVA_HOME", JAVA_25.toString()), "--version");
    assertThat(other.exitCode()).isZero();
    assertThat(other.stdout()).isEqualTo("kpam 0.1.0-SNAPSHOT\n");
  }

  private Run kpam(Map<String, String> env, String... args) throws Exception {
    Path out = root.resolve("out.txt");
    Path err = root.resolve("err.txt");
    List<String> command = new ArrayList<>(List.of(root.resolve("kpam").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("JAVA_HOME");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().putAll(env);
    Process process = builder.start();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("kpam finished").isTrue();
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
