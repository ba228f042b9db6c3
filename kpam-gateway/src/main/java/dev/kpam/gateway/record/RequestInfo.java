package dev.kpam.gateway.record;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a Kubernetes request is about, derived from its method, path and query the way the API
 * server's {@code RequestInfoFactory} does (k8s.io/apiserver pkg/endpoints/request/requestinfo.go):
 * {@code /api/<version>/...} is the core group {@code ""}, {@code /apis/<group>/<version>/...} a
 * named group; a GET without a name is {@code list} (or {@code watch} with {@code watch=true}), a
 * DELETE without a name {@code deletecollection}; {@code /watch/} and {@code /proxy/} path prefixes
 * are verbs; anything else is a non-resource request whose verb is the lower-case method.
 *
 * <pre>{@code
 * RequestInfo info = RequestInfo.parse("GET", "/api/v1/namespaces/web/pods", "watch=true");
 * info.verb(); // "watch"
 * }</pre>
 */
public record RequestInfo(
    boolean resourceRequest,
    String verb,
    String apiGroup,
    String apiVersion,
    String resource,
    String subresource,
    String namespace,
    String name) {
  private static final Set<String> API_PREFIXES = Set.of("api", "apis");
  private static final String GROUPLESS_PREFIX = "api";
  private static final Set<String> SPECIAL_VERBS = Set.of("proxy", "watch");
  private static final Set<String> SPECIAL_VERBS_NO_SUBRESOURCES = Set.of("proxy");
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  /** {@code path} without the query; {@code query} raw, may be empty or null. */
  public static RequestInfo parse(String method, String path, String query) {
    String lowerMethod = method.toLowerCase(Locale.ROOT);
    RequestInfo nonResource =
        new RequestInfo(false, lowerMethod, null, null, null, null, null, null);
    List<String> parts = split(path);
    if (parts.size() < 3 || !API_PREFIXES.contains(parts.get(0))) {
      return nonResource;
    }
    String prefix = parts.get(0);
    parts = parts.subList(1, parts.size());
    String group = "";
    if (!prefix.equals(GROUPLESS_PREFIX)) {
      if (parts.size() < 3) {
        return nonResource;
      }
      group = parts.get(0);
      parts = parts.subList(1, parts.size());
    }
    String version = parts.get(0);
    parts = parts.subList(1, parts.size());

    String verb;
    if (SPECIAL_VERBS.contains(parts.get(0))) {
      if (parts.size() < 2) {
        // The API server answers an error; what is known so far is still worth recording.
        return new RequestInfo(true, parts.get(0), group, version, null, null, null, null);
      }
      verb = parts.get(0);
      parts = parts.subList(1, parts.size());
    } else {
      verb = verbOf(method);
    }

    String namespace = null;
    if (parts.get(0).equals("namespaces") && parts.size() > 1) {
      namespace = parts.get(1);
      if (parts.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(parts.get(2))) {
        parts = parts.subList(2, parts.size());
      }
    }

    String resource = parts.get(0);
    String name = parts.size() >= 2 ? parts.get(1) : null;
    String subresource =
        parts.size() >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.contains(verb) ? parts.get(2) : null;

    if (name == null && verb.equals("get")) {
      verb = isWatch(query) ? "watch" : "list";
    }
    if (name == null && verb.equals("delete")) {
      verb = "deletecollection";
    }
    return new RequestInfo(true, verb, group, version, resource, subresource, namespace, name);
  }

  private static String verbOf(String method) {
    return switch (method.toUpperCase(Locale.ROOT)) {
      case "POST" -> "create";
      case "GET", "HEAD" -> "get";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> "";
    };
  }

  /**
   * Whether the request lasts until one side ends it: a watch ({@code watch} parameter or a {@code
   * /watch/} path) or a followed log ({@code follow}).
   */
  public static boolean lasting(String method, String path, String query) {
    return "GET".equals(method)
        && (isWatch(query) || flag(query, "follow") || (path != null && path.contains("/watch/")));
  }

  private static boolean isWatch(String query) {
    return flag(query, "watch");
  }

  /**
   * The first {@code name} parameter, unless {@code false} or {@code 0}: the server's
   * string-to-bool conversion takes anything else, even an empty value, as true.
   */
  private static boolean flag(String query, String name) {
    if (query == null || query.isEmpty()) {
      return false;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (key.equals(name)) {
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1)).toLowerCase(Locale.ROOT);
        return !value.equals("false") && !value.equals("0");
      }
    }
    return false;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  private static List<String> split(String path) {
    String trimmed = path == null ? "" : path;
    int start = 0;
    int end = trimmed.length();
    while (start < end && trimmed.charAt(start) == '/') {
      start++;
    }
    while (end > start && trimmed.charAt(end - 1) == '/') {
      end--;
    }
    return start == end ? List.of() : Arrays.asList(trimmed.substring(start, end).split("/", -1));
  }
}
