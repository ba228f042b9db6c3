package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON merge patch (RFC 7386). Strategic merge patches are applied the same way after their
 * directives ({@code $patch}, {@code $retainKeys}, {@code $setElementOrder/…}) are dropped: lists
 * are replaced rather than merged by key, which is enough for what the tests patch.
 */
final class MergePatch {
  private MergePatch() {}

  static JsonNode apply(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? (ObjectNode) target.deepCopy()
            : ((ObjectNode) patch).objectNode();
    List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
    patch.fields().forEachRemaining(fields::add);
    for (Map.Entry<String, JsonNode> field : fields) {
      String name = field.getKey();
      if (name.startsWith("$")) {
        continue;
      }
      if (field.getValue().isNull()) {
        result.remove(name);
      } else {
        result.set(name, apply(result.get(name), field.getValue()));
      }
    }
    return result;
  }
}
