package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The server-side printing of {@code kubectl get}: a {@code meta.k8s.io/v1 Table} with the columns
 * of the real server for pods, configmaps, secrets and namespaces, and Name/Age for the rest.
 */
final class Tables {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Tables() {}

  /**
   * A table of {@code objects}; {@code includeObject} is the query parameter ({@code None}, {@code
   * Metadata} (the default) or {@code Object}).
   */
  static ObjectNode table(
      ResourceType type,
      List<ObjectNode> objects,
      long resourceVersion,
      String includeObject,
      Instant now) {
    ObjectNode table = NODES.objectNode();
    table.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion", Long.toString(resourceVersion));
    ArrayNode columns = table.putArray("columnDefinitions");
    column(columns, "Name", "string", "name");
    for (String[] extra : extraColumns(type)) {
      column(columns, extra[0], extra[1], "");
    }
    column(columns, "Age", "string", "");
    ArrayNode rows = table.putArray("rows");
    for (ObjectNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(object.path("metadata").path("name").asText());
      extraCells(type, object, cells);
      cells.add(age(object, now));
      if ("Object".equals(includeObject)) {
        row.set("object", object);
      } else if (!"None".equals(includeObject)) {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", object.path("metadata").deepCopy());
      }
    }
    return table;
  }

  private static List<String[]> extraColumns(ResourceType type) {
    if (!type.group().isEmpty()) {
      return List.of();
    }
    return switch (type.resource()) {
      case "pods" ->
          List.of(
              new String[] {"Ready", "string"},
              new String[] {"Status", "string"},
              new String[] {"Restarts", "string"});
      case "configmaps" -> List.of(new String[][] {{"Data", "string"}});
      case "secrets" -> List.of(new String[] {"Type", "string"}, new String[] {"Data", "string"});
      case "namespaces" -> List.of(new String[][] {{"Status", "string"}});
      default -> List.of();
    };
  }

  private static void extraCells(ResourceType type, ObjectNode object, ArrayNode cells) {
    if (!type.group().isEmpty()) {
      return;
    }
    switch (type.resource()) {
      case "pods" -> {
        int containers = object.path("spec").path("containers").size();
        int ready = 0;
        for (JsonNode status : object.path("status").path("containerStatuses")) {
          ready += status.path("ready").asBoolean() ? 1 : 0;
        }
        cells.add(ready + "/" + containers);
        cells.add(
            object.path("metadata").has("deletionTimestamp")
                ? "Terminating"
                : object.path("status").path("phase").asText("Pending"));
        cells.add("0");
      }
      case "configmaps" -> cells.add(object.path("data").size() + object.path("binaryData").size());
      case "secrets" -> {
        cells.add(object.path("type").asText("Opaque"));
        cells.add(object.path("data").size());
      }
      case "namespaces" -> cells.add(object.path("status").path("phase").asText("Active"));
      default -> {}
    }
  }

  private static void column(ArrayNode columns, String name, String type, String format) {
    ObjectNode column = columns.addObject();
    column.put("name", name).put("type", type).put("format", format);
    column.put("description", name).put("priority", 0);
  }

  private static String age(ObjectNode object, Instant now) {
    String created = object.path("metadata").path("creationTimestamp").asText("");
    if (created.isEmpty()) {
      return "<unknown>";
    }
    return humanDuration(Duration.between(Instant.parse(created), now));
  }

  /** k8s.io/apimachinery/pkg/util/duration.HumanDuration. */
  static String humanDuration(Duration d) {
    long seconds = d.toSeconds();
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    }
    long days = hours / 24;
    return days % 365 == 0 ? days / 365 + "y" : days / 365 + "y" + days % 365 + "d";
  }
}
