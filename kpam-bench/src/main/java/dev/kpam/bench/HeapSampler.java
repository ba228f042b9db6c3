package dev.kpam.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples another JVM while it works, without stopping it: {@code jstat -gc PID INTERVAL} prints
 * its heap and GC counters every interval and, with each of those lines, this reads its resident
 * set size from {@code /proc/PID/status}. Keeps the peaks and the GCs between the first and the
 * last sample.
 *
 * <pre>{@code
 * try (HeapSampler sampler = HeapSampler.start(jdkBin, pid, Duration.ofMillis(100))) {
 *   transfer();  HeapSampler.Peaks peaks = sampler.stop();
 * }
 * }</pre>
 */
final class HeapSampler implements AutoCloseable {
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
  private static final List<String> HEAP_USED = List.of("S0U", "S1U", "EU", "OU");
  private static final List<String> HEAP_COMMITTED = List.of("S0C", "S1C", "EC", "OC");
  private static final Duration FIRST_SAMPLE_LIMIT = Duration.ofSeconds(30);
  private static final Duration STOP_LIMIT = Duration.ofSeconds(10);

  /** Bytes, and collections between the first and the last sample (concurrent: G1 cycles). */
  record Peaks(
      int samples,
      long heapUsed,
      long heapCommitted,
      long rss,
      long youngGcs,
      long fullGcs,
      long concurrentGcs) {}

  private final long pid;
  private final Process jstat;
  private final Thread reader;
  private final CountDownLatch firstSample = new CountDownLatch(1);
  private List<String> columns;
  private int samples;
  private long heapUsed;
  private long heapCommitted;
  private long rss;
  private long[] firstCounts;
  private long[] lastCounts;

  private HeapSampler(long pid, Process jstat) {
    this.pid = pid;
    this.jstat = jstat;
    this.reader = new Thread(this::read, "heap-sampler-" + pid);
  }

  /** Starts sampling process {@code pid} every {@code interval}; returns after the first sample. */
  static HeapSampler start(Path jdkBin, long pid, Duration interval) throws InterruptedException {
    Process jstat;
    try {
      jstat =
          new ProcessBuilder(
                  jdkBin.resolve("jstat").toString(),
                  "-gc",
                  Long.toString(pid),
                  Long.toString(interval.toMillis()))
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start jstat: " + e.getMessage(), e);
    }
    HeapSampler sampler = new HeapSampler(pid, jstat);
    sampler.reader.setDaemon(true);
    sampler.reader.start();
    if (!sampler.firstSample.await(FIRST_SAMPLE_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      sampler.close();
      throw new IllegalStateException("jstat -gc " + pid + " printed nothing within 30 s");
    }
    return sampler;
  }

  /** Stops sampling; the peaks seen. */
  Peaks stop() throws InterruptedException {
    close();
    reader.join(STOP_LIMIT.toMillis());
    return new Peaks(
        samples,
        heapUsed,
        heapCommitted,
        rss,
        lastCounts[0] - firstCounts[0],
        lastCounts[1] - firstCounts[1],
        lastCounts[2] - firstCounts[2]);
  }

  private void read() {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        String[] fields = line.trim().split("\\s+");
        if (columns == null && line.contains("EU")) {
          columns = Arrays.asList(fields);
        } else if (columns != null && fields.length == columns.size()) {
          sample(fields);
          firstSample.countDown();
        }
      }
    } catch (IOException stopped) {
      // close() ended jstat.
    }
  }

  private void sample(String[] fields) {
    samples++;
    heapUsed = Math.max(heapUsed, sum(fields, HEAP_USED));
    heapCommitted = Math.max(heapCommitted, sum(fields, HEAP_COMMITTED));
    rss = Math.max(rss, rss());
    lastCounts = new long[] {count(fields, "YGC"), count(fields, "FGC"), count(fields, "CGC")};
    if (firstCounts == null) {
      firstCounts = lastCounts;
    }
  }

  /** Sums columns of {@code jstat -gc} (KiB) into bytes. */
  private long sum(String[] fields, List<String> names) {
    double kib = 0;
    for (String name : names) {
      kib += Double.parseDouble(fields[columns.indexOf(name)]);
    }
    return (long) (kib * 1024);
  }

  /** A counter column; {@code -} (a collector without it) counts as none. */
  private long count(String[] fields, String name) {
    int index = columns.indexOf(name);
    return index < 0 || fields[index].equals("-") ? 0 : Long.parseLong(fields[index]);
  }

  private long rss() {
    try {
      Matcher kib = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
      return kib.find() ? Long.parseLong(kib.group(1)) * 1024 : 0;
    } catch (IOException e) {
      return 0; // the process is gone; the gateway's log says why
    }
  }

  @Override
  public void close() {
    jstat.destroy();
  }
}
