package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Aggregated discovery ({@code apidiscovery.k8s.io}, KEP 3352): {@code /api} and {@code /apis} as
 * one {@code APIGroupDiscoveryList} each, built from the legacy documents of {@link
 * ResourceCatalog}, for a client whose {@code Accept} asks for it first. {@code v2} and {@code
 * v2beta1} have the same shape; only {@code apiVersion} and the content type differ.
 *
 * <pre>{@code
 * discovery.answer("/apis", request.headers().get("Accept"), List.of("v2", "v2beta1"))
 *     .ifPresent(a -> send(a.contentType(), a.body()));
 * }</pre>
 */
final class AggregatedDiscovery {
  static final String GROUP = "apidiscovery.k8s.io";

  /** A document and the content type that names its version. */
  record Answer(String contentType, byte[] body) {}

  private final ObjectMapper json;
  private final Map<String, ArrayNode> items = new LinkedHashMap<>();

  AggregatedDiscovery(ObjectMapper json, ResourceCatalog catalog) {
    this.json = json;
    try {
      ArrayNode core = json.createArrayNode();
      core.add(group("", List.of("v1"), catalog));
      items.put("/api", core);
      ArrayNode groups = json.createArrayNode();
      for (JsonNode group : json.readTree(catalog.document("/apis").orElseThrow()).path("groups")) {
        List<String> versions = new ArrayList<>();
        versions.add(group.path("preferredVersion").path("version").asText());
        for (JsonNode version : group.path("versions")) {
          if (!versions.contains(version.path("version").asText())) {
            versions.add(version.path("version").asText());
          }
        }
        groups.add(group(group.path("name").asText(), versions, catalog));
      }
      items.put("/apis", groups);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The aggregated document at {@code path} in the first version of {@code served} that {@code
   * accept} lists before any plain media type, if any.
   */
  Optional<Answer> answer(String path, String accept, List<String> served) {
    ArrayNode list = items.get(path);
    if (list == null || accept == null) {
      return Optional.empty();
    }
    return negotiate(accept, served)
        .map(
            version -> {
              ObjectNode document =
                  json.createObjectNode()
                      .put("kind", "APIGroupDiscoveryList")
                      .put("apiVersion", GROUP + "/" + version);
              document.putObject("metadata");
              document.set("items", list);
              return new Answer(contentType(version), Responses.bytes(json, document));
            });
  }

  static String contentType(String version) {
    return "application/json;g=" + GROUP + ";v=" + version + ";as=APIGroupDiscoveryList";
  }

  /** The version of the first media range in {@code accept} that is ours, if none before it is. */
  static Optional<String> negotiate(String accept, List<String> served) {
    for (String range : accept.split(",")) {
      Map<String, String> parameters = new LinkedHashMap<>();
      String[] parts = range.split(";");
      for (int i = 1; i < parts.length; i++) {
        int eq = parts[i].indexOf('=');
        if (eq > 0) {
          parameters.put(
              parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT),
              parts[i].substring(eq + 1).trim());
        }
      }
      if (GROUP.equals(parameters.get("g"))
          && "APIGroupDiscoveryList".equals(parameters.get("as"))) {
        if (served.contains(parameters.get("v"))) {
          return Optional.of(parameters.get("v"));
        }
      } else if (!parameters.containsKey("as")) {
        return Optional.empty(); // a plain type comes first: the legacy document
      }
    }
    return Optional.empty();
  }

  private ObjectNode group(String name, List<String> versions, ResourceCatalog catalog)
      throws IOException {
    ObjectNode group = json.createObjectNode();
    group.putObject("metadata").put("name", name).putNull("creationTimestamp");
    ArrayNode versionList = group.putArray("versions");
    for (String version : versions) {
      String path = name.isEmpty() ? "/api/" + version : "/apis/" + name + "/" + version;
      JsonNode legacy = json.readTree(catalog.document(path).orElseThrow());
      ObjectNode entry = versionList.addObject().put("version", version);
      entry.set("resources", resources(name, version, legacy.path("resources")));
      entry.put("freshness", "Current");
    }
    return group;
  }

  private ArrayNode resources(String group, String version, JsonNode legacy) {
    Map<String, ObjectNode> byName = new LinkedHashMap<>();
    for (JsonNode resource : legacy) {
      String name = resource.path("name").asText();
      if (name.contains("/")) {
        continue;
      }
      ObjectNode entry = json.createObjectNode().put("resource", name);
      entry.set("responseKind", kind(resource, group, version));
      entry.put("scope", resource.path("namespaced").asBoolean() ? "Namespaced" : "Cluster");
      String singular = resource.path("singularName").asText();
      entry.put(
          "singularResource",
          singular.isEmpty() ? resource.path("kind").asText().toLowerCase(Locale.ROOT) : singular);
      entry.set("verbs", resource.path("verbs"));
      copyIfPresent(resource, entry, "shortNames");
      copyIfPresent(resource, entry, "categories");
      byName.put(name, entry);
    }
    for (JsonNode resource : legacy) {
      String name = resource.path("name").asText();
      int slash = name.indexOf('/');
      ObjectNode parent = slash < 0 ? null : byName.get(name.substring(0, slash));
      if (parent == null) {
        continue;
      }
      ArrayNode subresources =
          parent.has("subresources")
              ? (ArrayNode) parent.get("subresources")
              : parent.putArray("subresources");
      ObjectNode entry = subresources.addObject().put("subresource", name.substring(slash + 1));
      entry.set("responseKind", kind(resource, group, version));
      entry.set("verbs", resource.path("verbs"));
    }
    ArrayNode all = json.createArrayNode();
    byName.values().forEach(all::add);
    return all;
  }

  private ObjectNode kind(JsonNode resource, String group, String version) {
    return json.createObjectNode()
        .put("group", resource.path("group").asText(group))
        .put("version", resource.path("version").asText(version))
        .put("kind", resource.path("kind").asText());
  }

  private static void copyIfPresent(JsonNode from, ObjectNode to, String field) {
    if (from.hasNonNull(field) && !from.get(field).isEmpty()) {
      to.set(field, from.get(field));
    }
  }
}
