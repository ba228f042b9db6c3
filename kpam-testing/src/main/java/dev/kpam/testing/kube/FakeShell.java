package dev.kpam.testing.kube;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands of a fake container: {@code echo}, {@code cat} (stdin or a file), {@code ls}, {@code
 * true}, {@code false}, {@code test -d|-f|-e}, {@code sh -c 'exit N'} (or another of these
 * commands), and {@code tar cf - PATH} / {@code tar xf - -C DIR} as {@code kubectl cp} runs them.
 * Anything else exits 127 like a shell that cannot find the command.
 */
final class FakeShell {
  /** What {@code tar x} buffers from stdin at most. */
  private static final int MAX_ARCHIVE = 64 * 1024 * 1024;

  private FakeShell() {}

  static FakeProcess start(List<String> argv, PodRuntime pod, FakeProcess.Io io) {
    if (argv.isEmpty()) {
      return cat(io);
    }
    List<String> args = argv.subList(1, argv.size());
    switch (argv.get(0)) {
      case "echo" -> finish(io, String.join(" ", args) + "\n", 0);
      case "true" -> io.exit(0);
      case "false" -> io.exit(1);
      case "cat" -> {
        if (args.isEmpty()) {
          return cat(io);
        }
        byte[] file = pod.file(args.get(0));
        if (file == null) {
          io.stderr(utf8("cat: can't open '" + args.get(0) + "': No such file or directory\n"));
          io.exit(1);
        } else {
          io.stdout(file);
          io.exit(0);
        }
      }
      case "ls" -> ls(args.isEmpty() ? "/" : args.get(args.size() - 1), pod, io);
      case "test", "[" -> io.exit(test(args, pod) ? 0 : 1);
      case "sh", "/bin/sh", "bash" -> {
        if (args.size() >= 2 && args.get(0).equals("-c")) {
          List<String> words = List.of(args.get(1).trim().split("\\s+"));
          if (words.get(0).equals("exit")) {
            io.exit(words.size() > 1 ? Integer.parseInt(words.get(1)) : 0);
            return ignoreStdin();
          }
          return start(words, pod, io);
        }
        return cat(io);
      }
      case "tar" -> {
        return tar(args, pod, io);
      }
      default -> finish(io, null, 127, "sh: " + argv.get(0) + ": not found\n");
    }
    return ignoreStdin();
  }

  private static FakeProcess cat(FakeProcess.Io io) {
    return new FakeProcess() {
      @Override
      public void stdin(byte[] data) {
        io.stdout(data);
      }

      @Override
      public void stdinClosed() {
        io.exit(0);
      }
    };
  }

  private static FakeProcess tar(List<String> args, PodRuntime pod, FakeProcess.Io io) {
    String flags = args.isEmpty() ? "" : args.get(0).replace("-", "");
    List<String> rest = new ArrayList<>();
    String directory = "/";
    for (int i = 1; i < args.size(); i++) {
      if (args.get(i).equals("-C") && i + 1 < args.size()) {
        directory = args.get(++i);
      } else if (!args.get(i).equals("-") && !args.get(i).startsWith("--")) {
        rest.add(args.get(i));
      }
    }
    if (flags.contains("c")) {
      Map<String, byte[]> entries = new LinkedHashMap<>();
      for (String path : rest) {
        String base = PodRuntime.normalize(directory + "/" + path);
        pod.tree(base).forEach((name, content) -> entries.put(name.substring(1), content));
        if (entries.isEmpty()) {
          finish(io, null, 2, "tar: " + path + ": No such file or directory\n");
          return ignoreStdin();
        }
      }
      io.stdout(Ustar.write(entries));
      io.exit(0);
      return ignoreStdin();
    }
    if (flags.contains("x")) {
      String target = directory;
      ByteArrayOutputStream archive = new ByteArrayOutputStream();
      return new FakeProcess() {
        @Override
        public void stdin(byte[] data) {
          if (archive.size() + data.length > MAX_ARCHIVE) {
            throw new IllegalStateException("tar archive larger than " + MAX_ARCHIVE + " bytes");
          }
          archive.writeBytes(data);
        }

        @Override
        public void stdinClosed() {
          Ustar.read(
              archive.toByteArray(),
              (name, content) -> {
                String path = PodRuntime.normalize(target + "/" + name);
                if (content == null) {
                  pod.mkdirs(path);
                } else {
                  pod.writeFile(path, content);
                }
              });
          io.exit(0);
        }
      };
    }
    finish(io, null, 2, "tar: unsupported flags " + args + "\n");
    return ignoreStdin();
  }

  private static void ls(String path, PodRuntime pod, FakeProcess.Io io) {
    if (!pod.isDirectory(path)) {
      if (pod.file(path) != null) {
        finish(io, path + "\n", 0);
      } else {
        finish(io, null, 1, "ls: " + path + ": No such file or directory\n");
      }
      return;
    }
    String prefix = PodRuntime.normalize(path).equals("/") ? "/" : PodRuntime.normalize(path) + "/";
    StringBuilder out = new StringBuilder();
    pod.tree(path).keySet().stream()
        .map(name -> name.substring(prefix.length()))
        .filter(
            name ->
                !name.isEmpty() && name.indexOf('/') < 0
                    || name.indexOf('/') == name.length() - 1 && name.length() > 1)
        .map(name -> name.endsWith("/") ? name.substring(0, name.length() - 1) : name)
        .forEach(name -> out.append(name).append('\n'));
    finish(io, out.toString(), 0);
  }

  private static boolean test(List<String> args, PodRuntime pod) {
    if (args.size() < 2) {
      return false;
    }
    String path = args.get(1);
    return switch (args.get(0)) {
      case "-d" -> pod.isDirectory(path);
      case "-f" -> pod.file(path) != null && !pod.isDirectory(path);
      case "-e" -> pod.file(path) != null || pod.isDirectory(path);
      default -> false;
    };
  }

  private static void finish(FakeProcess.Io io, String stdout, int code) {
    finish(io, stdout, code, null);
  }

  private static void finish(FakeProcess.Io io, String stdout, int code, String stderr) {
    if (stdout != null) {
      io.stdout(utf8(stdout));
    }
    if (stderr != null) {
      io.stderr(utf8(stderr));
    }
    io.exit(code);
  }

  private static FakeProcess ignoreStdin() {
    return new FakeProcess() {
      @Override
      public void stdin(byte[] data) {}

      @Override
      public void stdinClosed() {}
    };
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String exitStatus(List<String> argv, int code) {
    if (code == 0) {
      return "{\"metadata\":{},\"status\":\"Success\"}";
    }
    String command = Arrays.toString(argv.toArray()).replace(",", "");
    return "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero"
        + " exit code: error executing command "
        + command.replace("\"", "\\\"")
        + ", exit code "
        + code
        + "\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\","
        + "\"message\":\""
        + code
        + "\"}]}}";
  }
}
