package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ThrowingRunnable;

/** Long-running kubectl processes: their output as it comes, and a bounded stop. */
public final class Processes {
  private Processes() {}

  /** A running process whose stdout and stderr are collected as they come ({@link #collect}). */
  public record Running(Process process, StringBuffer out, StringBuffer err) {
    public static Running of(Process process) {
      return new Running(
          process, collect(process.getInputStream()), collect(process.getErrorStream()));
    }

    /** What it printed so far, stdout then stderr. */
    public String printed() {
      return out + "\n" + err;
    }

    /**
     * Waits until the process has ended (30 s at most) and {@code assertion} about what it printed
     * holds (5 s more at most, for the readers to take the last of it).
     */
    public void endsSaying(ThrowingRunnable assertion) throws InterruptedException {
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("it ended").isTrue();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(assertion);
    }
  }

  /** Copies a stream into a buffer on a daemon thread, so tests can wait for text in it. */
  public static StringBuffer collect(InputStream in) {
    StringBuffer buffer = new StringBuffer();
    Thread reader =
        new Thread(
            () -> {
              try (Reader text = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                char[] chunk = new char[4096];
                int n;
                while ((n = text.read(chunk)) >= 0) {
                  buffer.append(chunk, 0, n);
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "kubectl-output");
    reader.setDaemon(true);
    reader.start();
    return buffer;
  }

  private static final Pattern FORWARDING =
      Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> 8080");

  /**
   * Runs {@code kubectl port-forward pod/web :8080} and sends {@code ping} through the local port
   * it prints; the fake pod's port 8080 echoes, so the same bytes must come back. Stops it after.
   */
  static void pingThroughPortForward(Process forward, byte[] ping) throws Exception {
    try {
      StringBuffer output = collect(forward.getInputStream());
      try (Socket socket = new Socket("127.0.0.1", forwardedPort(output))) {
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(ping);
        socket.getOutputStream().flush();
        byte[] echoed = socket.getInputStream().readNBytes(ping.length);
        if (!java.util.Arrays.equals(echoed, ping)) {
          throw new AssertionError(
              "port-forward echoed " + new String(echoed, StandardCharsets.UTF_8));
        }
      }
    } finally {
      destroy(forward);
    }
  }

  /** The local port {@code kubectl port-forward pod/web :8080} prints on {@code stdout}. */
  static int forwardedPort(StringBuffer stdout) {
    await().atMost(Duration.ofSeconds(30)).until(() -> FORWARDING.matcher(stdout).find());
    Matcher matcher = FORWARDING.matcher(stdout);
    if (!matcher.find()) {
      throw new AssertionError("kubectl port-forward printed: " + stdout);
    }
    return Integer.parseInt(matcher.group(1));
  }

  public static void destroy(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
