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

  /** Objects a line names one by one; the rest are counted ("and 3 more"). */
  static final int MAX_OBJECTS = 5;

  /**
   * @param requests the command's requests, in the order they started
   * @param streams how each exec, attach and port-forward went, by request id, from its {@code
   *     stream} event
   */
  static String of(List<RecordedRequest> requests, Map<String, StreamOutcome> streams) {
    Optional<String> header =
        requests.stream().map(RecordedRequest::kubectlCommand).filter(c -> c != null).findFirst();
    if (header.isEmpty()) {
      // Discovery folded in ahead of the request (Commands) does not name it.
      RecordedRequest first =
          requests.stream().filter(r -> !r.isDiscovery()).findFirst().orElse(requests.get(0));
      return first.method() + " " + first.path();
    }
    String command = header.get().trim();
    String[] words = command.split("\\s+");
    String verb = words.length > 1 ? words[1] : "";
    Optional<String> special =
        switch (verb) {
          case "exec", "attach" -> subresource(requests, verb).map(r -> exec(command, r));
          case "cp" -> copy(command, requests);
          case "logs" -> subresource(requests, "log").map(r -> logs(command, r));
          case "auth" -> canI(command, requests);
          case "debug" ->
              subresource(requests, "ephemeralcontainers")
                  .map(r -> command + " " + r.name() + namespaceFlag(r.namespace()));
          case "port-forward" ->
              subresource(requests, "portforward").map(r -> portForward(command, r, streams));
          default -> Optional.empty();
        };
    return special
        .or(() -> mutation(command, verb, words.length, requests))
        .or(
            () ->
                requests.stream()
                    .filter(RecordedRequest::namesResource)
                    .findFirst()
                    .map(r -> target(command, r)))
        .orElse(command);
  }

  /**
   * Every object the command's writes touched, in order: {@code kubectl delete configmap a b -n
   * default}, {@code kubectl apply deployment/web service/web -n web}; the object's kind and name
   * from the body when the path has none (a create), else from the GET before it (apply). {@code
   * kubectl create configmap} and {@code kubectl run} name the type themselves.
   */
  private static Optional<String> mutation(
      String command, String verb, int words, List<RecordedRequest> requests) {
    List<RecordedRequest> mutating =
        requests.stream()
            .filter(r -> r.namesResource() && r.mutates() && !r.opensStream())
            .toList();
    if (mutating.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Target> objects = new java.util.LinkedHashMap<>();
    for (RecordedRequest request : mutating) {
      Target target = Target.of(request, requests);
      objects.putIfAbsent(target.key(), target);
    }
    List<Target> all = List.copyOf(objects.values());
    boolean typed = !(verb.equals("run") || (verb.equals("create") && words > 2));
    boolean oneType = all.stream().map(Target::type).distinct().count() == 1;
    boolean oneNamespace = all.stream().map(Target::namespace).distinct().count() == 1;
    StringBuilder line = new StringBuilder(command);
    if (typed && oneType) {
      line.append(' ').append(all.get(0).type());
    }
    List<String> shown = new ArrayList<>();
    for (Target target : all.subList(0, Math.min(MAX_OBJECTS, all.size()))) {
      String name = target.name() == null ? "" : target.name();
      String object = !typed || oneType ? name : target.type() + (name.isEmpty() ? "" : "/" + name);
      if (!oneNamespace) {
        object += namespaceFlag(target.namespace());
      }
      if (!object.isEmpty()) {
        shown.add(object);
      }
    }
    if (!shown.isEmpty()) {
      line.append(' ').append(String.join(oneNamespace ? " " : ", ", shown));
    }
    RecordedRequest.Settings set = mutating.get(0).object().settings();
    List<String> arguments =
        switch (verb) {
          case "label" -> set.labels();
          case "annotate" -> set.annotations();
          case "set" -> set.images();
          case "scale" ->
              set.replicas() == null ? List.of() : List.of("--replicas=" + set.replicas());
          default -> List.of();
        };
    arguments.forEach(argument -> line.append(' ').append(quote(argument)));
    if (oneNamespace) {
      line.append(namespaceFlag(all.get(0).namespace()));
    }
    if (all.size() > MAX_OBJECTS) {
      line.append(" and ").append(all.size() - MAX_OBJECTS).append(" more");
    }
    return Optional.of(line.toString());
  }

  /** One object a command wrote. */
  private record Target(String type, String name, String namespace) {
    static Target of(RecordedRequest request, List<RecordedRequest> requests) {
      RecordedRequest.BodyObject object = request.object();
      // A create has no name in its path; without one in the body, apply's GET before it names it.
      String name =
          request.name() != null
              ? request.name()
              : object.name() != null
                  ? object.name()
                  : requests.stream()
                      .filter(
                          r ->
                              r.seq() < request.seq()
                                  && request.resource().equals(r.resource())
                                  && r.name() != null
                                  && !r.mutates())
                      .map(RecordedRequest::name)
                      .reduce((a, b) -> b)
                      .orElse(null);
      String namespace =
          "namespaces".equals(request.resource())
              ? null
              : request.namespace() != null ? request.namespace() : object.namespace();
      String type =
          object.kind() == null || request.subresource() != null
              ? singular(request.resource())
              : object.kind().toLowerCase(Locale.ROOT);
      return new Target(type, name, namespace);
    }

    String key() {
      return type + "/" + namespace + "/" + name;
    }
  }

  private static String target(String command, RecordedRequest request) {
    String what =
        request.name() == null
            ? request.resource()
            : singular(request.resource()) + " " + request.name();
    String scope =
        request.namespace() == null
                && request.name() == null
                && !CLUSTER_SCOPED.contains(request.resource())
            ? " -A" // a list of a namespaced resource across all namespaces
            : namespaceFlag(namespaceOf(request));
    return command + " " + what + scope;
  }

  /**
   * Built-in resources that live outside namespaces: a list of one of them without a namespace is
   * not {@code -A}, and a namespace's own path names no namespace to show.
   */
  static final java.util.Set<String> CLUSTER_SCOPED =
      java.util.Set.of(
          "namespaces",
          "nodes",
          "persistentvolumes",
          "componentstatuses",
          "clusterroles",
          "clusterrolebindings",
          "storageclasses",
          "csidrivers",
          "csinodes",
          "volumeattachments",
          "customresourcedefinitions",
          "apiservices",
          "priorityclasses",
          "runtimeclasses",
          "ingressclasses",
          "mutatingwebhookconfigurations",
          "validatingwebhookconfigurations",
          "validatingadmissionpolicies",
          "validatingadmissionpolicybindings",
          "certificatesigningrequests",
          "flowschemas",
          "prioritylevelconfigurations",
          "selfsubjectaccessreviews",
          "selfsubjectrulesreviews",
          "selfsubjectreviews",
          "subjectaccessreviews",
          "tokenreviews");

  /** The namespace a person would name: none for a namespace itself ({@code /namespaces/x}). */
  private static String namespaceOf(RecordedRequest request) {
    return "namespaces".equals(request.resource()) ? null : request.namespace();
  }

  private static String exec(String command, RecordedRequest request) {
    Map<String, List<String>> query = query(request.query());
    String interactive =
        (query.getOrDefault("stdin", List.of()).contains("true") ? "i" : "")
            + (query.getOrDefault("tty", List.of()).contains("true") ? "t" : "");
    StringBuilder line = new StringBuilder(command);
    if (!interactive.isEmpty()) {
      line.append(" -").append(interactive);
    }
    line.append(' ').append(request.name()).append(container(request));
    List<String> argv = query.getOrDefault("command", List.of());
    if (!argv.isEmpty()) {
      line.append(" --");
      argv.forEach(arg -> line.append(' ').append(quote(arg)));
    }
    return line.toString();
  }

  /**
   * {@code kubectl cp} is a {@code tar} in the pod: {@code tar -xmf - -C DIR} takes a local file
   * into the pod (after {@code test -d PATH}, which asks whether the destination is a directory),
   * {@code tar cf - PATH} sends one out (1.27 and 1.33 alike). The local side is not on the wire.
   */
  private static Optional<String> copy(String command, List<RecordedRequest> requests) {
    List<RecordedRequest> execs =
        requests.stream().filter(r -> "exec".equals(r.subresource()) && r.name() != null).toList();
    if (execs.isEmpty()) {
      return Optional.empty();
    }
    String destination = null;
    for (RecordedRequest exec : execs) {
      List<String> argv = argv(exec);
      if (argv.size() == 3 && argv.get(0).equals("test") && argv.get(1).equals("-d")) {
        destination = argv.get(2);
      }
    }
    for (RecordedRequest exec : execs) {
      List<String> argv = argv(exec);
      if (argv.isEmpty() || !argv.get(0).equals("tar") || argv.size() < 3) {
        continue;
      }
      String container = container(exec);
      String flags = argv.get(1).startsWith("-") ? argv.get(1).substring(1) : argv.get(1);
      int into = argv.indexOf("-C");
      if (flags.startsWith("x") && into >= 0 && into + 1 < argv.size()) {
        String path = destination != null ? destination : argv.get(into + 1);
        return Optional.of(command + " (local) " + exec.name() + ":" + quote(path) + container);
      }
      if (flags.startsWith("c")) {
        return Optional.of(
            command
                + " "
                + exec.name()
                + ":"
                + quote(argv.get(argv.size() - 1))
                + " (local)"
                + container);
      }
    }
    return Optional.of(exec(command, execs.get(execs.size() - 1)));
  }

  private static List<String> argv(RecordedRequest exec) {
    return query(exec.query()).getOrDefault("command", List.of());
  }

  private static String container(RecordedRequest exec) {
    return query(exec.query()).getOrDefault("container", List.of()).stream()
        .findFirst()
        .map(c -> " -c " + quote(c))
        .orElse("");
  }

  /**
   * {@code kubectl auth can-i delete pods -n web}, {@code kubectl auth can-i get
   * deployments.apps/web --subresource=scale}, {@code kubectl auth can-i get /healthz}: the
   * question of its {@code SelfSubjectAccessReview}.
   */
  private static Optional<String> canI(String command, List<RecordedRequest> requests) {
    return requests.stream()
        .map(r -> r.object().question())
        .filter(q -> q != null)
        .findFirst()
        .map(
            q -> {
              StringBuilder line = new StringBuilder(command).append(' ').append(q.verb());
              if (q.path() != null) {
                return line.append(' ').append(q.path()).toString();
              }
              line.append(' ').append(q.resource() == null ? "*" : q.resource());
              if (q.group() != null) {
                line.append('.').append(q.group());
              }
              if (q.name() != null) {
                line.append('/').append(q.name());
              }
              line.append(namespaceFlag(q.namespace()));
              if (q.subresource() != null) {
                line.append(" --subresource=").append(q.subresource());
              }
              return line.toString();
            });
  }

  private static String logs(String command, RecordedRequest request) {
    boolean follow = query(request.query()).getOrDefault("follow", List.of()).contains("true");
    return command + " " + request.name() + (follow ? " -f" : "");
  }

  private static String portForward(
      String command, RecordedRequest request, Map<String, StreamOutcome> streams) {
    StreamOutcome outcome = streams.get(request.id());
    List<String> forwarded =
        outcome != null && !outcome.ports().isEmpty()
            ? outcome.ports()
            : query(request.query()).getOrDefault("ports", List.of());
    return command
        + " "
        + request.name()
        + (forwarded.isEmpty() ? "" : " " + String.join(" ", forwarded));
  }

  /**
   * The command's request of {@code subresource}: the one that opened its stream (101) when there
   * is one — after a refused WebSocket upgrade, the SPDY retry — else the first.
   */
  private static Optional<RecordedRequest> subresource(
      List<RecordedRequest> requests, String subresource) {
    List<RecordedRequest> matching =
        requests.stream()
            .filter(r -> subresource.equals(r.subresource()) && r.name() != null)
            .toList();
    return matching.stream()
        .filter(r -> r.status() == 101)
        .findFirst()
        .or(() -> matching.stream().findFirst());
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
