package dev.kpam.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory of another JVM as the JDK's tools and Linux see it, right after a full GC ({@code jcmd
 * GC.run}): heap used and committed ({@code jstat -gc}), its resident set size ({@code
 * /proc/PID/status}), how much of that is the Java heap (the heap's address range from {@code jcmd
 * GC.heap_info}, its pages from {@code /proc/PID/smaps}) and, when the JVM runs with {@code
 * -XX:NativeMemoryTracking=summary}, the "Other" category of {@code jcmd VM.native_memory}, which
 * holds direct buffers (Netty's included).
 *
 * <pre>{@code
 * JvmMemory.Sample sample = new JvmMemory(javaHome.resolve("bin")).sample(pid);
 * }</pre>
 */
final class JvmMemory {
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
  private static final Pattern ADDRESS_RANGE =
      Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");
  private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) ");
  private static final Pattern MAPPING_RSS = Pattern.compile("^Rss:\\s+(\\d+) kB");
  private static final Pattern NMT_OTHER =
      Pattern.compile("-\\s+Other \\(reserved=\\d+KB, committed=(\\d+)KB\\)");
  private static final List<String> HEAP_USED = List.of("S0U", "S1U", "EU", "OU");
  private static final List<String> HEAP_COMMITTED = List.of("S0C", "S1C", "EC", "OC");

  /** Bytes; {@code direct} is {@code -1} where native memory tracking is off. */
  record Sample(long heapUsed, long heapCommitted, long rss, long heapResident, long direct) {}

  private final Path jdkBin;

  JvmMemory(Path jdkBin) {
    this.jdkBin = jdkBin;
  }

  /** Forces a full GC in process {@code pid}, then samples its memory. */
  Sample sample(long pid) {
    run("jcmd", Long.toString(pid), "GC.run");
    String jstat = run("jstat", "-gc", Long.toString(pid));
    long rss = kib(RSS.matcher(procFile(pid, "status"))) * 1024;
    long heapResident = heapResident(run("jcmd", Long.toString(pid), "GC.heap_info"), pid);
    Matcher other =
        NMT_OTHER.matcher(run("jcmd", Long.toString(pid), "VM.native_memory", "summary"));
    long direct = other.find() ? Long.parseLong(other.group(1)) * 1024 : -1;
    return new Sample(sum(jstat, HEAP_USED), sum(jstat, HEAP_COMMITTED), rss, heapResident, direct);
  }

  /** The first {@code rows} classes of {@code jcmd GC.class_histogram} (which runs a full GC). */
  List<String> histogram(long pid, int rows) {
    List<String> lines = run("jcmd", Long.toString(pid), "GC.class_histogram").lines().toList();
    return lines.subList(1, Math.min(lines.size(), rows + 3)); // skip "PID:", keep the header
  }

  /** Sums columns of {@code jstat -gc} (KiB) into bytes. */
  private static long sum(String jstat, List<String> columns) {
    List<String> lines = jstat.lines().filter(line -> !line.isBlank()).toList();
    List<String> names = Arrays.asList(lines.get(0).trim().split("\\s+"));
    String[] values = lines.get(1).trim().split("\\s+");
    double kib = 0;
    for (String column : columns) {
      kib += Double.parseDouble(values[names.indexOf(column)]);
    }
    return (long) (kib * 1024);
  }

  /**
   * Resident bytes of the mappings inside the heap's reservation: from the lowest to the highest
   * address GC.heap_info prints before the metaspace (one range with G1, one per generation else).
   */
  private static long heapResident(String heapInfo, long pid) {
    int metaspace = heapInfo.indexOf("Metaspace");
    Matcher range =
        ADDRESS_RANGE.matcher(metaspace < 0 ? heapInfo : heapInfo.substring(0, metaspace));
    long low = Long.MAX_VALUE;
    long high = 0;
    while (range.find()) {
      low = Math.min(low, Long.parseUnsignedLong(range.group(1), 16));
      high = Math.max(high, Long.parseUnsignedLong(range.group(2), 16));
    }
    long kib = 0;
    boolean inHeap = false;
    for (String line : procFile(pid, "smaps").lines().toList()) {
      Matcher mapping = MAPPING.matcher(line);
      if (mapping.find()) {
        inHeap =
            Long.parseUnsignedLong(mapping.group(1), 16) >= low
                && Long.parseUnsignedLong(mapping.group(2), 16) <= high;
      } else if (inHeap && MAPPING_RSS.matcher(line).find()) {
        kib += kib(MAPPING_RSS.matcher(line));
      }
    }
    return kib * 1024;
  }

  private static long kib(Matcher matcher) {
    if (!matcher.find()) {
      throw new IllegalStateException("no " + matcher.pattern() + " in the JVM's figures");
    }
    return Long.parseLong(matcher.group(1));
  }

  private static String procFile(long pid, String name) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String run(String tool, String... args) {
    String[] command = new String[args.length + 1];
    command[0] = jdkBin.resolve(tool).toString();
    System.arraycopy(args, 0, command, 1, args.length);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + tool, e);
    }
  }
}
