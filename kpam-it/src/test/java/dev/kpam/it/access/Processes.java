package dev.kpam.it.access;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Long-running kubectl processes: their output as it comes, and a bounded stop. */
final class Processes {
  private Processes() {}

  /** Copies a stream into a buffer on a daemon thread, so tests can wait for text in it. */
  static StringBuffer collect(InputStream in) {
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

  static void destroy(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
