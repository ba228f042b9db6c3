package dev.kpam.gateway.record.cast;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an upgraded request asked the API server for, read from its URI the way the kubelet's
 * remotecommand and portforward handlers read it: {@code
 * /api/v1/namespaces/<ns>/pods/<pod>/exec|attach|portforward?command=..&container=..&stdin=..&tty=..&ports=..}.
 *
 * @param kind {@code exec}, {@code attach} or {@code portforward}
 * @param container null when the query names none (or for port-forward)
 * @param ports for port-forward over WebSocket; empty otherwise (SPDY names them per stream)
 */
record StreamRequest(
    String kind,
    String namespace,
    String pod,
    String container,
    List<String> command,
    boolean tty,
    boolean stdin,
    List<Integer> ports) {

  /** The request of {@code uri}, or null when it is not an exec, attach or port-forward. */
  static StreamRequest parse(String uri) {
    int queryStart = uri.indexOf('?');
    String path = queryStart < 0 ? uri : uri.substring(0, queryStart);
    String query = queryStart < 0 ? "" : uri.substring(queryStart + 1);
    String[] segments = path.split("/");
    // "", "api", "v1", "namespaces", ns, "pods", pod, subresource
    if (segments.length != 8
        || !segments[1].equals("api")
        || !segments[3].equals("namespaces")
        || !segments[5].equals("pods")) {
      return null;
    }
    String kind = segments[7];
    if (!kind.equals("exec") && !kind.equals("attach") && !kind.equals("portforward")) {
      return null;
    }
    String container = null;
    List<String> command = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    boolean tty = false;
    boolean stdin = false;
    for (String parameter : query.split("&")) {
      int equals = parameter.indexOf('=');
      if (parameter.isEmpty() || equals < 0) {
        continue;
      }
      String name = decode(parameter.substring(0, equals));
      String value = decode(parameter.substring(equals + 1));
      switch (name) {
        case "command" -> command.add(value);
        case "container" -> container = value;
        case "tty" -> tty = parseBool(value);
        case "stdin" -> stdin = parseBool(value);
        case "ports", "port" -> ports.addAll(ports(value));
        default -> {}
      }
    }
    return new StreamRequest(
        kind,
        decode(segments[4]),
        decode(segments[6]),
        container,
        List.copyOf(command),
        tty,
        stdin,
        List.copyOf(ports));
  }

  /** The asciicast v2 header of its recording (docs/RECORDING.md §2), 80x24 until resized. */
  Map<String, Object> castHeader(String protocol, long epochSecond) {
    Map<String, Object> kubernetes = new LinkedHashMap<>();
    kubernetes.put("namespace", namespace);
    kubernetes.put("pod", pod);
    kubernetes.put("container", container);
    kubernetes.put("command", command);
    kubernetes.put("tty", tty);
    kubernetes.put("stdin", stdin);
    kubernetes.put("protocol", protocol);
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("version", 2);
    header.put("width", 80);
    header.put("height", 24);
    header.put("timestamp", epochSecond);
    header.put("title", command.isEmpty() ? pod : pod + " " + String.join(" ", command));
    header.put("env", Map.of("TERM", "xterm"));
    header.put("kubernetes", kubernetes);
    return header;
  }

  boolean portForward() {
    return kind.equals("portforward");
  }

  /** Go's strconv.ParseBool, which the API server uses for these parameters. */
  private static boolean parseBool(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "1", "t", "true" -> true;
      default -> false;
    };
  }

  private static List<Integer> ports(String value) {
    List<Integer> ports = new ArrayList<>();
    for (String port : value.split(",")) {
      try {
        ports.add(Integer.parseInt(port.trim()));
      } catch (NumberFormatException e) {
        // Not a port: the API server refuses it; nothing to record.
      }
    }
    return ports;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }
}
