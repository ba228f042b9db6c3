package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Predicate;

/**
 * Label selectors ({@code a=b}, {@code a==b}, {@code a!=b}, {@code a}, {@code !a}) and field
 * selectors ({@code metadata.name=x}, any dotted path, {@code =} and {@code !=}); set-based
 * selectors ({@code in}, {@code notin}) are not supported.
 */
final class Selectors {
  private Selectors() {}

  static Predicate<ObjectNode> of(String labelSelector, String fieldSelector) {
    return labels(labelSelector).and(fields(fieldSelector));
  }

  private static Predicate<ObjectNode> labels(String selector) {
    Predicate<ObjectNode> all = object -> true;
    if (selector == null || selector.isBlank()) {
      return all;
    }
    for (String term : selector.split(",")) {
      all = all.and(term(term.trim(), object -> object.path("metadata").path("labels"), true));
    }
    return all;
  }

  private static Predicate<ObjectNode> fields(String selector) {
    Predicate<ObjectNode> all = object -> true;
    if (selector == null || selector.isBlank()) {
      return all;
    }
    for (String term : selector.split(",")) {
      all = all.and(term(term.trim(), object -> object, false));
    }
    return all;
  }

  private static Predicate<ObjectNode> term(
      String term, java.util.function.Function<ObjectNode, JsonNode> root, boolean labels) {
    String[] parts;
    boolean negate;
    if (term.contains("!=")) {
      parts = term.split("!=", 2);
      negate = true;
    } else if (term.contains("==")) {
      parts = term.split("==", 2);
      negate = false;
    } else if (term.contains("=")) {
      parts = term.split("=", 2);
      negate = false;
    } else if (term.startsWith("!")) {
      String key = term.substring(1);
      return object -> !root.apply(object).has(key);
    } else {
      return object -> root.apply(object).has(term);
    }
    String key = parts[0].trim();
    String value = parts[1].trim();
    return object -> {
      JsonNode node = labels ? root.apply(object).path(key) : path(root.apply(object), key);
      boolean equal = !node.isMissingNode() && node.asText().equals(value);
      return negate != equal;
    };
  }

  private static JsonNode path(JsonNode node, String dotted) {
    for (String part : dotted.split("\\.")) {
      node = node.path(part);
    }
    return node;
  }
}
