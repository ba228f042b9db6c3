package dev.kpam.testing.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What runs inside a fake pod: its log and a small in-memory filesystem, shared by every exec into
 * it. Directories are the paths that have a {@code null}-free entry ending in {@code /}; a file is
 * its absolute path and bytes.
 */
final class PodRuntime {
  /** Lines kept per pod; a test that logs more is misusing the fake. */
  private static final int MAX_LOG_LINES = 100_000;

  private final List<String> log = new ArrayList<>();
  private final List<Consumer<String>> followers = new CopyOnWriteArrayList<>();
  private final NavigableMap<String, byte[]> files = new ConcurrentSkipListMap<>();

  PodRuntime() {
    mkdirs("/tmp");
    mkdirs("/etc");
    files.put("/etc/hostname", "fake-pod\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Sends every line so far, then every later line, to {@code follower} until closed. */
  AutoCloseable follow(Consumer<String> follower, boolean follow) {
    synchronized (log) {
      log.forEach(follower);
      if (!follow) {
        return () -> {};
      }
      followers.add(follower);
    }
    return () -> followers.remove(follower);
  }

  void appendLog(String line) {
    String terminated = line.endsWith("\n") ? line : line + "\n";
    synchronized (log) {
      if (log.size() >= MAX_LOG_LINES) {
        throw new IllegalStateException("log of fake pod is full: " + MAX_LOG_LINES + " lines");
      }
      log.add(terminated);
      followers.forEach(follower -> follower.accept(terminated));
    }
  }

  boolean isDirectory(String path) {
    return files.containsKey(dirKey(path));
  }

  byte[] file(String path) {
    return files.get(normalize(path));
  }

  void writeFile(String path, byte[] content) {
    String normalized = normalize(path);
    mkdirs(parent(normalized));
    files.put(normalized, content);
  }

  void mkdirs(String path) {
    String normalized = normalize(path);
    while (!normalized.equals("/")) {
      files.put(dirKey(normalized), new byte[0]);
      normalized = parent(normalized);
    }
    files.put("/", new byte[0]);
  }

  /** Every file and directory under {@code path} (inclusive), directories ending in {@code /}. */
  Map<String, byte[]> tree(String path) {
    String normalized = normalize(path);
    Map<String, byte[]> tree = new java.util.TreeMap<>();
    if (files.containsKey(normalized) && !isDirectory(normalized)) {
      tree.put(normalized, files.get(normalized));
      return tree;
    }
    String prefix = dirKey(normalized);
    files.tailMap(prefix, true).entrySet().stream()
        .takeWhile(e -> e.getKey().startsWith(prefix))
        .forEach(e -> tree.put(e.getKey(), e.getValue()));
    return tree;
  }

  static String normalize(String path) {
    String absolute = path.startsWith("/") ? path : "/" + path;
    java.util.Deque<String> parts = new java.util.ArrayDeque<>();
    for (String part : absolute.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(part);
      }
    }
    return "/" + String.join("/", parts);
  }

  private static String dirKey(String path) {
    String normalized = normalize(path);
    return normalized.equals("/") ? "/" : normalized + "/";
  }

  private static String parent(String normalized) {
    int slash = normalized.lastIndexOf('/');
    return slash <= 0 ? "/" : normalized.substring(0, slash);
  }
}
