package dev.kpam.gateway.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Makes a captured request body fit to record (docs/RECORDING.md §3): JSON and YAML are parsed as
 * trees and every value of {@code data}/{@code stringData} of a {@code Secret} (also inside a
 * {@code List}'s items) becomes {@code "<redacted>"}; for a request on {@code secrets} (patches
 * included) every {@code data}/{@code stringData} value at any depth. A body cut by the cap that
 * does not parse is kept only if it does not look like a Secret. Anything else (protobuf, form
 * data, ...) is not kept at all.
 *
 * <pre>{@code
 * String body = BodyRedaction.redact(bytes, false, "application/json", "secrets");
 * }</pre>
 */
public final class BodyRedaction {
  static final String REDACTED = "<redacted>";
  static final String TRUNCATED_SECRET = "<redacted: truncated Secret>";
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final Pattern SECRET_KIND =
      Pattern.compile("\"kind\"\\s*:\\s*\"Secret\"|kind:\\s*[\"']?Secret\\b");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

  private BodyRedaction() {}

  /**
   * @param body the captured bytes (at most the cap)
   * @param truncated whether the body went on beyond them
   * @param contentType the request's {@code Content-Type}, may be null
   * @param resource the request's resource ({@code secrets} redacts patches), may be null
   * @return the text to record, or null when the type is not recorded
   */
  public static String redact(byte[] body, boolean truncated, String contentType, String resource) {
    Format format = Format.of(contentType);
    if (format == Format.OTHER || format == Format.PROTOBUF || body.length == 0) {
      return format == Format.OTHER || format == Format.PROTOBUF ? null : "";
    }
    boolean secretsRequest = "secrets".equals(resource);
    String text = new String(body, StandardCharsets.UTF_8);
    try {
      return format == Format.JSON
          ? redactJson(body, secretsRequest)
          : redactYaml(text, secretsRequest);
    } catch (IOException | RuntimeException e) {
      if (secretsRequest || SECRET_KIND.matcher(text).find()) {
        return truncated ? TRUNCATED_SECRET : REDACTED;
      }
      return text;
    }
  }

  private static String redactJson(byte[] body, boolean secretsRequest) throws IOException {
    JsonNode tree = JSON.readTree(body);
    redactNode(tree, secretsRequest);
    return JSON.writeValueAsString(tree);
  }

  private static String redactYaml(String text, boolean secretsRequest) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNextValue()) {
        documents.add(it.nextValue());
      }
    }
    StringWriter out = new StringWriter();
    for (int i = 0; i < documents.size(); i++) {
      JsonNode document = documents.get(i);
      redactNode(document, secretsRequest);
      if (i > 0) {
        out.write("---\n");
      }
      out.write(YAML.writeValueAsString(document));
    }
    return out.toString();
  }

  /** Redacts a Secret object, the items of a List, or (on a secrets request) any data map. */
  private static void redactNode(JsonNode node, boolean everyDataMap) {
    if (node == null || !node.isContainerNode()) {
      return;
    }
    if (node instanceof ObjectNode object) {
      if (everyDataMap && isPatchOperationOnData(object)) {
        object.put("value", REDACTED);
        return;
      }
      boolean secret = "Secret".equals(object.path("kind").asText(null));
      if (secret || everyDataMap) {
        redactValues(object.get("data"));
        redactValues(object.get("stringData"));
        redactLastApplied(object.path("metadata").path("annotations"));
      }
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!((secret || everyDataMap) && isDataField(field.getKey()))) {
          redactNode(field.getValue(), everyDataMap);
        }
      }
    } else {
      node.forEach(child -> redactNode(child, everyDataMap));
    }
  }

  /**
   * {@code kubectl apply} keeps the whole object it applied, secret values included, as JSON text
   * in an annotation: that text is redacted like a body of its own.
   */
  private static void redactLastApplied(JsonNode annotations) {
    if (!(annotations instanceof ObjectNode object) || !object.has(LAST_APPLIED)) {
      return;
    }
    try {
      JsonNode applied = JSON.readTree(object.get(LAST_APPLIED).asText());
      redactNode(applied, true);
      object.put(LAST_APPLIED, JSON.writeValueAsString(applied));
    } catch (IOException | RuntimeException e) {
      object.put(LAST_APPLIED, REDACTED);
    }
  }

  /** A JSON patch operation ({@code op}, {@code path}, {@code value}) under data or stringData. */
  private static boolean isPatchOperationOnData(ObjectNode operation) {
    String path = operation.path("path").asText("");
    return operation.has("op")
        && operation.has("value")
        && (path.startsWith("/data") || path.startsWith("/stringData") || path.equals(""));
  }

  private static boolean isDataField(String name) {
    return name.equals("data") || name.equals("stringData");
  }

  private static void redactValues(JsonNode data) {
    if (data instanceof ObjectNode object) {
      object.fieldNames().forEachRemaining(name -> object.put(name, REDACTED));
    } else if (data != null && data.isArray()) {
      // A JSON patch's value list or a malformed data field: nothing of it is kept.
      ((ArrayNode) data).removeAll().add(REDACTED);
    }
  }

  /** How a body is written, from its {@code Content-Type}. */
  enum Format {
    JSON,
    YAML,
    /** Kubernetes protobuf, {@code application/vnd.kubernetes.protobuf}: never recorded as text. */
    PROTOBUF,
    OTHER;

    static Format of(String contentType) {
      if (contentType == null) {
        return OTHER;
      }
      String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (type.equals("application/json") || type.endsWith("+json")) {
        return JSON; // also the json-patch, merge-patch and strategic-merge-patch types
      }
      if (type.equals("application/yaml")
          || type.equals("application/x-yaml")
          || type.equals("text/yaml")
          || type.endsWith("+yaml")) {
        return YAML;
      }
      if (type.equals("application/vnd.kubernetes.protobuf")) {
        return PROTOBUF;
      }
      return OTHER;
    }
  }
}
