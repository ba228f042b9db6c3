package dev.kpam.testing.kube;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real kubectl binary against a kubeconfig, with its own HOME (kubectl keeps its discovery
 * cache there) and a timeout.
 *
 * <pre>{@code
 * Kubectl kubectl = new Kubectl(Kubectl.V1_33, kubeconfig, tempDir.resolve("home"));
 * assertThat(kubectl.run("get", "pods").exitCode()).isZero();
 * }</pre>
 */
public final class Kubectl {
  /** The machine's default kubectl: a dispatcher in front of 1.32 (see NOTES.md). */
  public static final String DISPATCHER = "/usr/bin/kubectl";

  public static final String V1_27 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.27";
  public static final String V1_33 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";

  /** What a finished kubectl did. */
  public record Result(int exitCode, String stdout, String stderr) {}

  private final String binary;
  private final Path kubeconfig;
  private final Path home;
  private final Map<String, String> env = new HashMap<>();

  public Kubectl(String binary, Path kubeconfig, Path home) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.home = home;
  }

  /**
   * Sets an environment variable for the kubectl processes, e.g. KUBECTL_REMOTE_COMMAND_WEBSOCKETS.
   */
  public Kubectl env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Runs to completion (at most 60 s) with no input. */
  public Result run(String... args) {
    return run(null, args);
  }

  /** Runs to completion (at most 60 s) with {@code stdin} as its input. */
  public Result run(byte[] stdin, String... args) {
    Process process = start(args);
    try {
      if (stdin != null) {
        process.getOutputStream().write(stdin);
      }
      process.getOutputStream().close();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread outReader = drain(process.getInputStream(), out);
      Thread errReader = drain(process.getErrorStream(), err);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            "kubectl " + String.join(" ", args) + " timed out; stderr: " + err);
      }
      outReader.join(10_000);
      errReader.join(10_000);
      return new Result(
          process.exitValue(),
          out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      process.destroyForcibly();
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Starts a long-running kubectl (watch, follow, port-forward); the caller must destroy it. */
  public Process start(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary);
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("HOME", home.toString());
    builder.environment().remove("KUBECONFIG");
    builder.environment().putAll(env);
    try {
      Files.createDirectories(home);
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts kubectl on a pseudo-terminal of its own (util-linux {@code script}), as a person at a
   * terminal runs {@code kubectl exec -it}: what is written to the process reaches kubectl's
   * terminal, and its output (terminal echo included) comes back on the process's stdout.
   */
  public Process startInTerminal(String... args) {
    StringBuilder line = new StringBuilder(quote(binary)).append(' ');
    line.append(quote("--kubeconfig=" + kubeconfig));
    for (String arg : args) {
      line.append(' ').append(quote(arg));
    }
    ProcessBuilder builder =
        new ProcessBuilder(
            "script", "--quiet", "--return", "--command", line.toString(), "/dev/null");
    builder.environment().put("HOME", home.toString());
    builder.environment().remove("KUBECONFIG");
    builder.environment().putAll(env);
    try {
      Files.createDirectories(home);
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String quote(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  private static Thread drain(InputStream in, ByteArrayOutputStream sink) {
    Thread thread =
        new Thread(
            () -> {
              try {
                in.transferTo(sink);
              } catch (IOException e) {
                // the process ended
              }
            });
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
