package dev.kpam.server.sessions;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The readable line of a kubectl command (docs/RECORDING.md §6), rebuilt from its {@code
 * Kubectl-Command} header and the requests kubectl sent: {@code kubectl get pod web -n default},
 * {@code kubectl exec api-7d9 -- sh}, {@code kubectl logs web -f}, {@code kubectl apply deployment
 * web -n default}. Discovery requests ({@code /api}, {@code /apis/...}, {@code /openapi/...}) never
 * choose the line.
 */
final class CommandLine {
  private static final Pattern PLAIN_ARGUMENT = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

  private CommandLine() {}

  /**
   * @param requests the command's requests, in the order they started
   * @param ports the ports of each port-forward request, by request id, from its {@code stream}
   *     event
   */
  static String of(List<RecordedRequest> requests, Map<String, List<String>> ports) {
    RecordedRequest first = requests.get(0);
    Optional<String> header =
        requests.stream().map(RecordedRequest::kubectlCommand).filter(c -> c != null).findFirst();
    if (header.isEmpty()) {
      return first.method() + " " + first.path();
    }
    String command = header.get().trim();
    String[] words = command.split("\\s+");
    String verb = words.length > 1 ? words[1] : "";
    Optional<String> special =
        switch (verb) {
          case "exec", "attach" -> subresource(requests, verb).map(r -> exec(command, r));
          case "logs" -> subresource(requests, "log").map(r -> logs(command, r));
          case "port-forward" ->
              subresource(requests, "portforward").map(r -> portForward(command, r, ports));
          case "apply", "create", "delete", "replace" -> mutation(command, requests);
          default -> Optional.empty();
        };
    return special
        .or(
            () ->
                requests.stream()
                    .filter(RecordedRequest::namesResource)
                    .findFirst()
                    .map(r -> target(command, r)))
        .orElse(command);
  }

  /** The first mutating request that names a resource; its object from the body when it has one. */
  private static Optional<String> mutation(String command, List<RecordedRequest> requests) {
    List<RecordedRequest> mutating =
        requests.stream().filter(r -> r.namesResource() && r.mutates()).toList();
    if (mutating.isEmpty()) {
      return Optional.empty();
    }
    RecordedRequest main = mutating.get(0);
    RecordedRequest.BodyObject object = main.object();
    // A create has no name in its path; without a JSON body, apply's GET before it names it.
    String name =
        main.name() != null
            ? main.name()
            : object.name() != null
                ? object.name()
                : requests.stream()
                    .filter(r -> main.resource().equals(r.resource()) && r.name() != null)
                    .map(RecordedRequest::name)
                    .findFirst()
                    .orElse(null);
    String namespace = main.namespace() != null ? main.namespace() : object.namespace();
    String type =
        object.kind() == null ? singular(main.resource()) : object.kind().toLowerCase(Locale.ROOT);
    long others =
        mutating.stream()
            .filter(r -> !(r.resource().equals(main.resource()) && same(r.name(), main.name())))
            .count();
    return Optional.of(
        command
            + " "
            + type
            + (name == null ? "" : " " + name)
            + namespaceFlag(namespace)
            + (others == 0 ? "" : " (+" + others + " more)"));
  }

  private static String target(String command, RecordedRequest request) {
    String what =
        request.name() == null
            ? request.resource()
            : singular(request.resource()) + " " + request.name();
    return command + " " + what + namespaceFlag(request.namespace());
  }

  private static String exec(String command, RecordedRequest request) {
    Map<String, List<String>> query = query(request.query());
    StringBuilder line = new StringBuilder(command).append(' ').append(request.name());
    query.getOrDefault("container", List.of()).stream()
        .findFirst()
        .ifPresent(c -> line.append(" -c ").append(quote(c)));
    List<String> argv = query.getOrDefault("command", List.of());
    if (!argv.isEmpty()) {
      line.append(" --");
      argv.forEach(arg -> line.append(' ').append(quote(arg)));
    }
    return line.toString();
  }

  private static String logs(String command, RecordedRequest request) {
    boolean follow = query(request.query()).getOrDefault("follow", List.of()).contains("true");
    return command + " " + request.name() + (follow ? " -f" : "");
  }

  private static String portForward(
      String command, RecordedRequest request, Map<String, List<String>> ports) {
    List<String> forwarded =
        ports.getOrDefault(request.id(), query(request.query()).getOrDefault("ports", List.of()));
    return command
        + " "
        + request.name()
        + (forwarded.isEmpty() ? "" : " " + String.join(" ", forwarded));
  }

  private static Optional<RecordedRequest> subresource(
      List<RecordedRequest> requests, String subresource) {
    return requests.stream()
        .filter(r -> subresource.equals(r.subresource()) && r.name() != null)
        .findFirst();
  }

  /**
   * kubectl's words for one object: {@code pods} → {@code pod}, {@code ingresses} → {@code
   * ingress}.
   */
  static String singular(String resource) {
    if (resource.equals("endpoints")) {
      return resource;
    }
    if (resource.endsWith("ies")) {
      return resource.substring(0, resource.length() - 3) + "y";
    }
    if (resource.endsWith("sses")
        || resource.endsWith("xes")
        || resource.endsWith("ches")
        || resource.endsWith("shes")) {
      return resource.substring(0, resource.length() - 2);
    }
    if (resource.endsWith("s")) {
      return resource.substring(0, resource.length() - 1);
    }
    return resource;
  }

  private static String namespaceFlag(String namespace) {
    return namespace == null || namespace.isEmpty() ? "" : " -n " + namespace;
  }

  private static boolean same(String a, String b) {
    return a == null ? b == null : a.equals(b);
  }

  /** A raw query's parameters, decoded, in order; repeated names keep every value. */
  static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> parameters = new java.util.LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return parameters;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
    return parameters;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  /** An argument as a shell would need it: {@code ls -la /} stays, {@code echo 'a b'} is quoted. */
  private static String quote(String argument) {
    if (PLAIN_ARGUMENT.matcher(argument).matches()) {
      return argument;
    }
    return "'" + argument.replace("'", "'\\''") + "'";
  }
}
