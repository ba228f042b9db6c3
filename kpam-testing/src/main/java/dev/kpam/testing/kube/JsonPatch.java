package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON patch (RFC 6902) for {@code kubectl patch --type=json}: {@code add}, {@code replace} and
 * {@code remove} on object members and array indexes ({@code -} appends); {@code test}, {@code
 * move} and {@code copy} are refused.
 */
final class JsonPatch {
  private JsonPatch() {}

  static ObjectNode apply(ObjectNode target, JsonNode patch) {
    for (JsonNode operation : patch) {
      String op = operation.path("op").asText();
      String[] tokens = operation.path("path").asText().substring(1).split("/", -1);
      JsonNode parent = target;
      for (int i = 0; i < tokens.length - 1; i++) {
        parent = child(parent, unescape(tokens[i]));
        if (parent == null) {
          throw KubeStatusException.badRequest(
              "path not found: " + operation.path("path").asText());
        }
      }
      String last = unescape(tokens[tokens.length - 1]);
      switch (op) {
        case "add", "replace" ->
            set(parent, last, operation.path("value").deepCopy(), op.equals("add"));
        case "remove" -> remove(parent, last);
        default -> throw KubeStatusException.badRequest("unsupported JSON patch operation: " + op);
      }
    }
    return target;
  }

  private static JsonNode child(JsonNode parent, String token) {
    JsonNode child = parent.isArray() ? parent.get(Integer.parseInt(token)) : parent.get(token);
    return child;
  }

  private static void set(JsonNode parent, String token, JsonNode value, boolean insert) {
    if (parent instanceof ArrayNode array) {
      if (token.equals("-")) {
        array.add(value);
      } else if (insert) {
        array.insert(Integer.parseInt(token), value);
      } else {
        array.set(Integer.parseInt(token), value);
      }
    } else {
      ((ObjectNode) parent).set(token, value);
    }
  }

  private static void remove(JsonNode parent, String token) {
    if (parent instanceof ArrayNode array) {
      array.remove(Integer.parseInt(token));
    } else {
      ((ObjectNode) parent).remove(token);
    }
  }

  private static String unescape(String token) {
    return token.replace("~1", "/").replace("~0", "~");
  }
}
