package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * The {@code scale} subresource of workloads ({@code autoscaling/v1 Scale}), which {@code kubectl
 * scale} reads and patches: {@code spec.replicas} of the workload, its label selector as text.
 */
final class Scales {
  private static final Set<String> SCALABLE =
      Set.of("deployments", "replicasets", "statefulsets", "replicationcontrollers");

  private Scales() {}

  static boolean scalable(ResourceType type) {
    return SCALABLE.contains(type.resource());
  }

  static ObjectNode of(ObjectMapper json, ObjectNode workload) {
    ObjectNode scale =
        json.createObjectNode().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
    JsonNode metadata = workload.path("metadata");
    ObjectNode meta = scale.putObject("metadata");
    for (String field :
        new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      if (metadata.has(field)) {
        meta.set(field, metadata.get(field));
      }
    }
    int replicas = workload.path("spec").path("replicas").asInt(1);
    scale.putObject("spec").put("replicas", replicas);
    ObjectNode status = scale.putObject("status").put("replicas", replicas);
    StringBuilder selector = new StringBuilder();
    workload
        .path("spec")
        .path("selector")
        .path("matchLabels")
        .fields()
        .forEachRemaining(
            e ->
                selector
                    .append(selector.isEmpty() ? "" : ",")
                    .append(e.getKey())
                    .append('=')
                    .append(e.getValue().asText()));
    if (!selector.isEmpty()) {
      status.put("selector", selector.toString());
    }
    return scale;
  }

  /** The workload with the replicas of {@code scale}. */
  static ObjectNode apply(ObjectNode workload, JsonNode scale) {
    JsonNode replicas = scale.path("spec").path("replicas");
    if (!replicas.isInt() || replicas.asInt() < 0) {
      throw KubeStatusException.badRequest("spec.replicas: a number of at least 0 is required");
    }
    ObjectNode updated = workload.deepCopy();
    updated.with("spec").put("replicas", replicas.asInt());
    return updated;
  }
}
