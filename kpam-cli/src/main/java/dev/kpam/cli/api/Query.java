package dev.kpam.cli.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The query string of a request: parameters in the order added, null values left out, all encoded.
 * Immutable.
 *
 * <pre>{@code
 * String q = Query.empty().with("user", "alice").with("since", since).toString(); // "?user=alice"
 * }</pre>
 */
public final class Query {
  private static final Query EMPTY = new Query(Map.of());

  private final Map<String, String> parameters;

  private Query(Map<String, String> parameters) {
    this.parameters = parameters;
  }

  public static Query empty() {
    return EMPTY;
  }

  /** This query with {@code name=value} added, or unchanged when {@code value} is null. */
  public Query with(String name, Object value) {
    if (value == null) {
      return this;
    }
    Map<String, String> more = new LinkedHashMap<>(parameters);
    more.put(name, value.toString());
    return new Query(more);
  }

  /** {@code ""} when empty, else {@code ?a=1&b=2}. */
  @Override
  public String toString() {
    if (parameters.isEmpty()) {
      return "";
    }
    return parameters.entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&", "?", ""));
  }

  /** Percent-encodes a path segment or parameter (spaces as {@code %20}). */
  public static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
