package dev.kpam.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process the bench started, its standard output and error going to one log file. Closing it ends
 * the process and its descendants: SIGTERM first, so that {@code kpam k8s access} ends its session,
 * SIGKILL after a bounded wait.
 *
 * <pre>{@code
 * try (ChildProcess server = ChildProcess.start("server", command, Map.of(), dir.resolve("server.log"))) {
 *   String url = server.awaitLine(Pattern.compile("listening on (\\S+)"), Duration.ofMinutes(1)).group(1);
 * }
 * }</pre>
 */
final class ChildProcess implements AutoCloseable {
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final String name;
  private final Process process;
  private final Path log;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} with {@code environment} added to this process's environment. */
  static ChildProcess start(
      String name, List<String> command, Map<String, String> environment, Path log) {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    try {
      return new ChildProcess(name, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /** Writes a line to the process's standard input. */
  void send(String line) {
    try {
      OutputStream in = process.getOutputStream();
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + name + ": " + e.getMessage(), e);
    }
  }

  /** Closes the process's standard input. */
  void endInput() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The first match of {@code line} in the log, waiting for it at most {@code limit}; fails with
   * the end of the log when the process exits or the time passes first.
   */
  Matcher awaitLine(Pattern line, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Matcher matcher = line.matcher(logText());
      if (matcher.find()) {
        return matcher;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name
                + " exited with "
                + process.exitValue()
                + " before printing "
                + line
                + "\n"
                + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            name + " did not print " + line + " within " + limit + "\n" + tail());
      }
      // Often enough not to blur what it measures: a start until this line, say.
      waitFor(Duration.ofMillis(5));
    }
  }

  /** Waits for the process to exit on its own and fails unless it exited with 0. */
  void awaitSuccess(Duration limit) {
    if (!waitFor(limit)) {
      throw new IllegalStateException(name + " did not finish within " + limit + "\n" + tail());
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(name + " exited with " + process.exitValue() + "\n" + tail());
    }
  }

  /** The last lines of the log, for a reader of a failure. */
  String tail() {
    List<String> lines = logText().lines().toList();
    return "--- last lines of "
        + log
        + " ---\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  private String logText() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean waitFor(Duration limit) {
    try {
      return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<ProcessHandle> tree = process.descendants().toList();
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    if (!waitFor(STOP_WAIT)) {
      process.destroyForcibly();
      waitFor(STOP_WAIT);
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
