package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The discovery documents of a real v1.24 API server (copied from its responses) and the resource
 * types they declare. Every top-level resource they list can be stored, listed and watched.
 */
final class ResourceCatalog {
  private static final String BASE = "apiserver-v1.24/";

  private final Map<String, byte[]> documents = new HashMap<>();
  private final Map<String, ResourceType> types = new HashMap<>();

  ResourceCatalog(ObjectMapper json) {
    documents.put("/version", read(BASE + "version.json"));
    documents.put("/api", read(BASE + "api.json"));
    documents.put("/apis", read(BASE + "apis.json"));
    documents.put("/openapi/v2", read(BASE + "openapi-v2.json.gz"));
    addGroupVersion(json, "", "v1", "/api/v1", BASE + "api-v1.json");
    try {
      for (JsonNode group : json.readTree(documents.get("/apis")).path("groups")) {
        for (JsonNode version : group.path("versions")) {
          String name = group.path("name").asText();
          String v = version.path("version").asText();
          addGroupVersion(
              json, name, v, "/apis/" + name + "/" + v, BASE + "apis/" + name + "_" + v + ".json");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The discovery document at {@code path} ({@code /version}, {@code /api/v1}, …), if any. */
  Optional<byte[]> document(String path) {
    return Optional.ofNullable(documents.get(path));
  }

  Optional<ResourceType> type(String group, String version, String resource) {
    return Optional.ofNullable(types.get(group + "/" + version + "/" + resource));
  }

  ResourceType require(String group, String version, String resource) {
    return type(group, version, resource)
        .orElseThrow(() -> new IllegalArgumentException("unknown resource: " + resource));
  }

  private void addGroupVersion(
      ObjectMapper json, String group, String version, String path, String resourceName) {
    byte[] document = read(resourceName);
    documents.put(path, document);
    try {
      for (JsonNode resource : json.readTree(document).path("resources")) {
        String name = resource.path("name").asText();
        if (!name.contains("/")) {
          types.put(
              group + "/" + version + "/" + name,
              new ResourceType(
                  group,
                  version,
                  name,
                  resource.path("kind").asText(),
                  resource.path("namespaced").asBoolean()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(String name) {
    try (InputStream in = ResourceCatalog.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource: " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
