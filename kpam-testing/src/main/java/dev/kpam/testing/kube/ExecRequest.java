package dev.kpam.testing.kube;

import java.util.List;
import java.util.Map;

/** The query of an exec or attach request; attach runs {@code cat} as the container's process. */
record ExecRequest(
    List<String> command, boolean stdin, boolean stdout, boolean stderr, boolean tty) {
  static ExecRequest of(String subresource, Map<String, List<String>> params) {
    List<String> command =
        subresource.equals("attach") ? List.of("cat") : params.getOrDefault("command", List.of());
    return new ExecRequest(
        List.copyOf(command),
        flag(params, "stdin"),
        flag(params, "stdout"),
        flag(params, "stderr"),
        flag(params, "tty"));
  }

  private static boolean flag(Map<String, List<String>> params, String name) {
    String value = ResourceHandler.param(params, name);
    return "true".equals(value) || "1".equals(value);
  }
}
